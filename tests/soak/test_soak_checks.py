"""The soak's checks catch what they name: lost and duplicated messages, phantom writes, and (through the
table check it shares with `ddb check`) stray group items and a second conversation for a pair (on a
hand-built table, no servers), and an unread count that is not its messages' count."""
from datetime import UTC, datetime, timedelta

from bench.soak import Sent, Tally, check_messages
from messaging.store import items
from messaging.store.models import Conversation, Message, UserRef
from messaging.store.read_state import MemberState
from messaging.store.table_check import TableContents, find_violations
from messaging.store.timefmt import format_time

ALICE = UserRef("00000000-0000-4000-8000-00000000000a", "alice", "Alice")
BOB = UserRef("00000000-0000-4000-8000-00000000000b", "bob", "Bob")
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def at(second: int) -> str:
    return format_time(START + timedelta(seconds=second))


def message(group: str, number: int, text: str, sender: UserRef = ALICE) -> Message:
    return Message(group, f"00000000-0000-4000-9000-{group[-4:]}{number:08d}", at(number), text, sender)


def conversation_items(group: str, messages: list[Message]) -> list[dict]:
    """A consistent conversation: its messages, conversation and pair items, one group item per member."""
    newest = max(messages, key=lambda m: m.created_at)
    conversation = Conversation(group, (ALICE, BOB), newest.created_at,
                                {ALICE.uuid: newest.created_at, BOB.uuid: newest.created_at})
    return [
        *(items.message_item(m) for m in messages),
        items.conversation_item(conversation),
        {**items.pair_key(ALICE.uuid, BOB.uuid), "conversation_uuid": items.S(group)},
        items.group_item(ALICE.uuid, newest.created_at, group, BOB, newest.text),
        items.group_item(BOB.uuid, newest.created_at, group, ALICE, newest.text),
    ]


def acknowledged(messages: list[Message]) -> Tally:
    tally = Tally()
    tally.acknowledged = [Sent(m.uuid, m.message_group_uuid, m.text, m.sender.handle, m.created_at) for m in messages]
    return tally


def listing(messages: list[Message]) -> list[dict]:
    """What GET /api/messages/<uuid> shows."""
    return [{"uuid": m.uuid, "display_name": m.sender.display_name, "handle": m.sender.handle, "message": m.text,
             "created_at": m.created_at} for m in messages]


GROUP = "00000000-0000-4000-8000-000000000001"
SENT = [message(GROUP, 1, "first"), message(GROUP, 2, "second", BOB)]


def checked(scanned: list[dict], shown: list[Message], tally: Tally) -> tuple[dict, list[str]]:
    violations = []
    contents = TableContents.of(scanned)
    figures = check_messages(contents, {GROUP: listing(shown)}, tally, violations)
    return figures, violations + [str(violation) for violation in find_violations(contents)]


def test_a_consistent_table_passes():
    figures, violations = checked(conversation_items(GROUP, SENT), SENT, acknowledged(SENT))

    assert violations == []
    assert (figures["verified"], figures["lost"], figures["duplicated"]) == (2, 0, 0)


def test_an_acknowledged_message_missing_from_its_conversation_is_lost():
    figures, violations = checked(conversation_items(GROUP, SENT[:1]), SENT[:1], acknowledged(SENT))

    assert figures["lost"] == 1
    assert any(v.startswith("lost:") for v in violations)


def test_a_retry_stored_as_a_second_message_is_duplicated():
    again = message(GROUP, 3, "second", BOB)
    stored = [*SENT, again]
    figures, violations = checked(conversation_items(GROUP, stored), stored, acknowledged(SENT))

    assert figures["duplicated"] == 1
    assert any("stored 2 times" in v for v in violations)


def test_a_message_nobody_sent_is_a_phantom():
    stored = [*SENT, message(GROUP, 3, "never sent")]
    _, violations = checked(conversation_items(GROUP, stored), stored, acknowledged(SENT))

    assert any(v.startswith("phantom message") for v in violations)


def test_a_group_item_left_behind_by_a_rekey_is_a_violation():
    stale = items.group_item(ALICE.uuid, SENT[0].created_at, GROUP, BOB, SENT[0].text)
    _, violations = checked([*conversation_items(GROUP, SENT), stale], SENT, acknowledged(SENT))

    assert any("has 2 group items" in v for v in violations)


def test_a_group_item_behind_the_newest_message_is_a_violation():
    scanned = [item for item in conversation_items(GROUP, SENT) if item["pk"]["S"] != items.group_pk(BOB.uuid)]
    scanned.append(items.group_item(BOB.uuid, SENT[0].created_at, GROUP, ALICE, SENT[0].text))
    _, violations = checked(scanned, SENT, acknowledged(SENT))

    assert any(f"{BOB.uuid}'s group item" in v for v in violations)


def test_a_second_conversation_for_the_same_pair_is_a_violation():
    other_group = "00000000-0000-4000-8000-000000000002"
    other = [message(other_group, 1, "racing start")]
    scanned = conversation_items(GROUP, SENT) + conversation_items(other_group, other)
    violations = []
    contents = TableContents.of(scanned)
    check_messages(contents, {GROUP: listing(SENT), other_group: listing(other)}, acknowledged(SENT + other),
                   violations)
    violations += [str(violation) for violation in find_violations(contents)]

    assert any("one of 2 conversations" in v for v in violations)


def with_read_state(scanned: list[dict], alice_unread: int) -> list[dict]:
    """The conversation item and group items with both members' read state: Alice read up to her own message
    (Bob's newer one is unread, counted as `alice_unread`), Bob read everything."""
    alice = MemberState(at(1), alice_unread, rev=1)
    bob = MemberState(at(2), 0, rev=1)
    states = {ALICE.uuid: alice, BOB.uuid: bob}
    result = []
    for item in scanned:
        if item["pk"]["S"].startswith("CONV#"):
            conversation = items.conversation_from_item(item)
            item = items.conversation_item(Conversation(conversation.message_group_uuid, conversation.members,
                                                        conversation.last_message_at, conversation.group_sks,
                                                        states=states))
        elif item["pk"]["S"].startswith("GRP#"):
            item = {**item, **items.group_state_attributes(states[items.group_owner(item)])}
        result.append(item)
    return result


def test_exact_counts_pass():
    _, violations = checked(with_read_state(conversation_items(GROUP, SENT), alice_unread=1), SENT, acknowledged(SENT))
    assert violations == []


def test_a_planted_wrong_count_is_caught():
    _, violations = checked(with_read_state(conversation_items(GROUP, SENT), alice_unread=3), SENT, acknowledged(SENT))
    assert len(violations) == 1
    assert f"{ALICE.uuid} has unread 3, the messages after their read position {at(1)} count 1" in violations[0]
