"""A process's writers of one conversation take turns; other conversations do not wait; a writer gives up at its
deadline; nothing is held once the writers are gone."""
import threading
import time

import pytest

from messaging.store.calls import Backoff
from messaging.store.errors import StoreConflict
from messaging.store.turns import ConversationTurns

WAIT = 5.0  # bounds every wait of these tests


def hold_turn(turns: ConversationTurns, conversation: str) -> tuple[threading.Event, threading.Event, threading.Thread]:
    """A writer in its turn at `conversation` until `leave` is set: (entered, leave, its thread)."""
    entered, leave = threading.Event(), threading.Event()

    def write():
        with turns.turn(conversation, Backoff(WAIT)):
            entered.set()
            leave.wait(WAIT)

    writer = threading.Thread(target=write)
    writer.start()
    assert entered.wait(WAIT)
    return entered, leave, writer


def test_a_second_writer_of_the_conversation_waits_until_the_first_leaves_and_is_told_it_waited():
    turns = ConversationTurns()
    _, leave, first = hold_turn(turns, "c1")
    second_entered = threading.Event()
    told: list[bool] = []

    def second():
        with turns.turn("c1", Backoff(WAIT)) as waited:
            told.append(waited)
            second_entered.set()

    waiting = threading.Thread(target=second)
    waiting.start()
    assert not second_entered.wait(0.3), "the second writer entered while the first was in its turn"
    leave.set()
    assert second_entered.wait(WAIT)
    first.join(WAIT)
    waiting.join(WAIT)
    assert told == [True]


def test_writers_of_other_conversations_do_not_wait():
    turns = ConversationTurns()
    _, leave, first = hold_turn(turns, "c1")
    started = time.monotonic()
    with turns.turn("c2", Backoff(WAIT)):
        assert time.monotonic() - started < 0.5
    leave.set()
    first.join(WAIT)


def test_a_writer_gives_up_at_its_deadline_and_leaves_nothing_behind():
    turns = ConversationTurns()
    _, leave, first = hold_turn(turns, "c1")
    started = time.monotonic()
    with pytest.raises(StoreConflict, match="nothing was stored"), turns.turn("c1", Backoff(0.2)):
        pytest.fail("entered a turn someone held")
    assert 0.15 <= time.monotonic() - started < 2.0
    assert len(turns) == 1  # the holder's, still in its turn
    leave.set()
    first.join(WAIT)
    assert len(turns) == 0


def test_nothing_is_held_for_conversations_no_one_is_writing():
    turns = ConversationTurns()
    for n in range(100):
        with turns.turn(f"c{n}", Backoff(WAIT)) as waited:
            assert len(turns) == 1
            assert not waited
    with pytest.raises(RuntimeError), turns.turn("c-failing", Backoff(WAIT)):
        raise RuntimeError("the write failed")
    assert len(turns) == 0
    with turns.turn("c-failing", Backoff(WAIT)):  # its lock was released with the failure
        pass
