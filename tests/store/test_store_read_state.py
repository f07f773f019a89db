"""Read positions and unread counts (moto and DynamoDB Local): counted by the sends themselves, moved forward
only by mark-read, kept per member on the conversation item and copied onto each member's group item."""
import pytest

from messaging.store.models import UnreadSummary
from messaging.store.store import MessageStore
from tests.support.store import (
    ANDREW,
    BAYKO,
    LONDO,
    SteppingClock,
    all_messages,
    expected_unread,
    group_of,
    old_table,
    write_old_backend_conversation,
)
from tests.support.stored_state import table_items


def send(store, group, sender, text):
    return store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=group), sender=sender,
                                      text=text)


def mark_read(store, group, member, up_to=None):
    return store.mark_read(conversation=store.get_conversation(message_group_uuid=group), member_uuid=member.uuid,
                           up_to=up_to)


def counts(store, group):
    """(andrew's, bayko's) unread counts as their group items list them; the conversation item agrees."""
    conversation = store.get_conversation(message_group_uuid=group)
    listed = tuple(group_of(store, member.uuid, group).unread_count for member in (ANDREW, BAYKO))
    assert listed == tuple(conversation.states[member.uuid].unread for member in (ANDREW, BAYKO))
    return listed


@pytest.fixture
def conversation(stepping_store):
    """Andrew wrote twice, Bayko once, Andrew once more: Bayko has 1 unread after his own reply."""
    store = stepping_store
    group = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one").message_group_uuid
    send(store, group, ANDREW, "two")
    return group


def test_sends_count_for_the_recipient_and_read_for_the_sender(stepping_store, conversation):
    store, group = stepping_store, conversation
    assert counts(store, group) == (0, 2)
    reply = send(store, group, BAYKO, "three")
    assert counts(store, group) == (1, 0), "a send reads everything before it"
    assert store.get_conversation(message_group_uuid=group).states[BAYKO.uuid].last_read_at == reply.created_at
    send(store, group, BAYKO, "four")
    assert counts(store, group) == (2, 0)
    send(store, group, ANDREW, "five")
    assert counts(store, group) == (0, 1)


def test_reading_to_the_newest_message_clears_the_count(stepping_store, conversation):
    store, group = stepping_store, conversation
    newest = all_messages(store, group)[-1]
    position = mark_read(store, group, BAYKO)
    assert (position.message_group_uuid, position.last_read_at, position.unread_count) == (group, newest.created_at, 0)
    assert counts(store, group) == (0, 0)


def test_up_to_in_the_middle_counts_what_is_left(stepping_store, conversation):
    store, group = stepping_store, conversation
    send(store, group, ANDREW, "three")
    first, *_ = all_messages(store, group)
    position = mark_read(store, group, BAYKO, up_to=first.created_at)
    assert (position.last_read_at, position.unread_count) == (first.created_at, 2)
    assert counts(store, group) == (0, 2)
    assert position.unread_count == expected_unread(all_messages(store, group), BAYKO.uuid, first.created_at)


def test_the_read_position_never_moves_back_and_an_unchanged_one_writes_nothing(stepping_store, conversation):
    store, group = stepping_store, conversation
    second = all_messages(store, group)[1]
    mark_read(store, group, BAYKO)
    before = table_items(store.client, store.table_name)
    for up_to in (all_messages(store, group)[0].created_at, second.created_at, None):
        position = mark_read(store, group, BAYKO, up_to=up_to)
        assert (position.last_read_at, position.unread_count) == (second.created_at, 0)
    assert table_items(store.client, store.table_name) == before, "nothing to move: nothing written"


def test_up_to_later_than_the_newest_message_reads_to_the_newest(stepping_store, conversation):
    store, group = stepping_store, conversation
    newest = all_messages(store, group)[-1]
    position = mark_read(store, group, BAYKO, up_to="2099-01-01T00:00:00.000000+00:00")
    assert (position.last_read_at, position.unread_count) == (newest.created_at, 0)


def test_mute_keeps_the_count_but_leaves_the_total(stepping_store, conversation):
    store, group = stepping_store, conversation
    other = store.send_to_user(sender=LONDO, recipient=BAYKO, text="from londo").message_group_uuid
    assert store.unread_summary(user_uuid=BAYKO.uuid) == UnreadSummary(unread_count=3, conversations=2)
    assert store.set_muted(conversation=store.get_conversation(message_group_uuid=group), member_uuid=BAYKO.uuid,
                           muted=True).muted is True
    summary = store.unread_summary(user_uuid=BAYKO.uuid)
    assert (summary.unread_count, summary.conversations) == (1, 1)
    listed = group_of(store, BAYKO.uuid, group)
    assert (listed.unread_count, listed.muted) == (2, True)
    assert not group_of(store, BAYKO.uuid, other).muted and not group_of(store, ANDREW.uuid, group).muted

    before = table_items(store.client, store.table_name)
    store.set_muted(conversation=store.get_conversation(message_group_uuid=group), member_uuid=BAYKO.uuid, muted=True)
    assert table_items(store.client, store.table_name) == before, "muting twice writes nothing"
    send(store, group, ANDREW, "still counted")
    assert group_of(store, BAYKO.uuid, group).unread_count == 3 and group_of(store, BAYKO.uuid, group).muted
    store.set_muted(conversation=store.get_conversation(message_group_uuid=group), member_uuid=BAYKO.uuid,
                    muted=False)
    assert store.unread_summary(user_uuid=BAYKO.uuid).unread_count == 4


def test_old_backend_conversations_start_from_each_members_own_newest_message(store):
    store = old_table(store)
    # Andrew and Bayko alternate: hi (A), hello (B), bye (A), later (B), again (A).
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi", "hello", "bye", "later", "again"])
    messages = all_messages(store, group)
    conversation = store.get_conversation(message_group_uuid=group)
    assert conversation.legacy
    position = store.mark_read(conversation=conversation, member_uuid=BAYKO.uuid, up_to=messages[0].created_at)
    assert (position.last_read_at, position.unread_count) == (messages[3].created_at, 1), "nothing moves back"
    reply = send(store, group, ANDREW, "adopted")
    conversation = store.get_conversation(message_group_uuid=group)
    assert not conversation.legacy
    assert conversation.states[ANDREW.uuid].last_read_at == reply.created_at
    assert counts(store, group) == (0, expected_unread(all_messages(store, group), BAYKO.uuid,
                                                       messages[3].created_at))


def test_stream_mode_counts_in_the_send_and_the_handler_copies_the_counts(ddb_backend):
    client, table = ddb_backend
    store = MessageStore(client, table, clock=SteppingClock(), group_updates="stream")
    group = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one").message_group_uuid
    sent = [send(store, group, ANDREW, "two"), send(store, group, ANDREW, "three")]
    assert counts(store, group) == (0, 3), "counted before the handler ran"
    mark_read(store, group, BAYKO, up_to=sent[0].created_at)
    assert counts(store, group) == (0, 1)
    # Out of order: the newest record first, then the older one, which changes nothing.
    assert store.apply_message_to_groups(message=sent[1])
    assert not store.apply_message_to_groups(message=sent[0])
    assert group_of(store, BAYKO.uuid, group).last_message_at == sent[1].created_at
    assert counts(store, group) == (0, 1)
    mark_read(store, group, BAYKO)
    assert counts(store, group) == (0, 0)
