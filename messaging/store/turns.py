"""A process's writers of one conversation take turns.

Two sends to one conversation cannot both commit from the same state: the transaction is conditioned on the
conversation's `last_message_at` and revs, so the one that loses is cancelled and tries again, and a cancelled
transaction costs DynamoDB about as much as a committed one. When many threads of a process write one
conversation at once, most of their attempts are cancelled. Taking turns leaves one attempt per process in
flight, and the next writer starts from the state the last one committed (the conversation cache holds it), so
it commits at its first attempt unless another process wrote in between.

Not a lock across the fleet: processes still race, and the transaction's condition stays the authority.
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from messaging.store.calls import Backoff


class _Turn:
    __slots__ = ("lock", "writers")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.writers = 0  # in the turn or waiting for it


class ConversationTurns:
    """Per process: the writers of each conversation, one at a time. A conversation no one is writing holds
    nothing here."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._turns: dict[str, _Turn] = {}

    def __len__(self) -> int:
        """How many conversations have a writer in its turn or waiting."""
        return len(self._turns)

    @contextmanager
    def turn(self, message_group_uuid: str, backoff: Backoff) -> Iterator[bool]:
        """Wait for this conversation's turn until the backoff's deadline (then StoreConflict: nothing was
        stored), and hold it for the block; gives whether it waited (then another writer may have just written)."""
        with self._guard:
            turn = self._turns.setdefault(message_group_uuid, _Turn())
            turn.writers += 1
        try:
            waited = not turn.lock.acquire(blocking=False)
            if waited:
                backoff.acquire(turn.lock)
            try:
                yield waited
            finally:
                turn.lock.release()
        finally:
            with self._guard:
                turn.writers -= 1
                if not turn.writers:
                    del self._turns[message_group_uuid]
