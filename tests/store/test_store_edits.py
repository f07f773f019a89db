"""Editing and deleting messages in the store: the lookup item, the conversation list following atomically,
the edit window on the store's clock, unread counts, refusals that write nothing, and stream mode."""
from datetime import timedelta

import pytest

from messaging.store import items
from messaging.store.edits import EditWindowClosed, MessageDeleted, MessageEdits, MessageNotFound
from messaging.store.store import MessageStore
from messaging.store.table_check import check_table
from tests.support.store import ANDREW, BAYKO, LONDO, SettableClock, old_table, write_old_backend_conversation
from tests.support.stored_state import table_unchanged

WINDOW = timedelta(seconds=900)


@pytest.fixture
def clock():
    return SettableClock()


@pytest.fixture
def clocked_store(ddb_backend, clock):
    client, table = ddb_backend
    return MessageStore(client, table, clock=clock)


@pytest.fixture
def edits(clocked_store):
    return MessageEdits(clocked_store)


def send(store, clock, sender, recipient, text):
    clock.advance(timedelta(seconds=1))
    return store.send_to_user(sender=sender, recipient=recipient, text=text)


def group_texts(store, group_uuid):
    return {member.handle: [(g.last_message, g.last_message_at)
                            for g in store.list_groups(user_uuid=member.uuid, limit=10).items if g.uuid == group_uuid]
            for member in (ANDREW, BAYKO)}


def stored(store, message):
    return next(m for m in store.list_messages(message_group_uuid=message.message_group_uuid, limit=100).items
                if m.uuid == message.uuid)


def test_a_send_writes_a_lookup_item_outside_the_gsi(clocked_store, clock):
    message = send(clocked_store, clock, ANDREW, BAYKO, "hello")

    item = clocked_store.table.get(items.lookup_key(message.uuid))

    assert item == {**items.lookup_key(message.uuid), "lookup_group_uuid": {"S": message.message_group_uuid},
                    "message_sk": {"S": message.created_at}, "sender_uuid": {"S": ANDREW.uuid}}
    assert "message_group_uuid" not in item


def test_editing_the_last_message_changes_it_and_both_group_items(clocked_store, clock, edits):
    message = send(clocked_store, clock, ANDREW, BAYKO, "helo")
    clock.advance(timedelta(seconds=30))

    edited = edits.edit(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW,
                        text="hello", window=WINDOW)

    assert (edited.text, edited.edited_at, edited.deleted) == ("hello", "2026-11-24T12:00:31.000000+00:00", False)
    assert stored(clocked_store, message) == edited
    assert group_texts(clocked_store, message.message_group_uuid) == {
        "andrewbrown": [("hello", message.created_at)], "bayko": [("hello", message.created_at)]}
    assert check_table(clocked_store.client, clocked_store.table_name) == []


def test_editing_an_earlier_message_leaves_the_group_items_on_the_last(clocked_store, clock, edits):
    first = send(clocked_store, clock, ANDREW, BAYKO, "first")
    last = send(clocked_store, clock, BAYKO, ANDREW, "last")

    edits.edit(message_group_uuid=first.message_group_uuid, message_uuid=first.uuid, author=ANDREW,
               text="first, edited", window=WINDOW)

    assert stored(clocked_store, first).text == "first, edited"
    assert group_texts(clocked_store, last.message_group_uuid) == {
        "andrewbrown": [("last", last.created_at)], "bayko": [("last", last.created_at)]}
    assert check_table(clocked_store.client, clocked_store.table_name) == []


def test_deleting_the_last_message_keeps_its_item_with_empty_text(clocked_store, clock, edits):
    message = send(clocked_store, clock, ANDREW, BAYKO, "oops")

    deleted = edits.delete(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW)

    assert (deleted.message_uuid, deleted.created_at) == (message.uuid, message.created_at)
    after = stored(clocked_store, message)
    assert (after.text, after.deleted, after.edited_at) == ("", True, None)
    assert group_texts(clocked_store, message.message_group_uuid) == {
        "andrewbrown": [("", message.created_at)], "bayko": [("", message.created_at)]}
    assert check_table(clocked_store.client, clocked_store.table_name) == []


def test_deleting_again_writes_nothing(clocked_store, clock, edits):
    message = send(clocked_store, clock, ANDREW, BAYKO, "oops")
    edits.delete(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW)

    with table_unchanged(clocked_store.client, clocked_store.table_name):
        again = edits.delete(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid,
                             author=ANDREW)

    assert again.message_uuid == message.uuid


def test_a_deleted_message_cannot_be_edited(clocked_store, clock, edits):
    message = send(clocked_store, clock, ANDREW, BAYKO, "oops")
    edits.delete(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW)

    with table_unchanged(clocked_store.client, clocked_store.table_name), pytest.raises(MessageDeleted):
        edits.edit(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW,
                   text="back", window=WINDOW)


def test_the_edit_window_follows_the_stores_clock(clocked_store, clock, edits):
    message = send(clocked_store, clock, ANDREW, BAYKO, "hello")
    clock.advance(WINDOW)
    edits.edit(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW,
               text="at the last moment", window=WINDOW)
    clock.advance(timedelta(microseconds=1))

    with table_unchanged(clocked_store.client, clocked_store.table_name), pytest.raises(EditWindowClosed):
        edits.edit(message_group_uuid=message.message_group_uuid, message_uuid=message.uuid, author=ANDREW,
                   text="too late", window=WINDOW)


@pytest.mark.parametrize("case", ["someone else's", "another conversation", "unknown uuid"])
def test_a_message_that_is_not_the_authors_own_is_not_found(clocked_store, clock, edits, case):
    message = send(clocked_store, clock, ANDREW, BAYKO, "hello")
    other = send(clocked_store, clock, LONDO, ANDREW, "hi")
    group, uuid, author = message.message_group_uuid, message.uuid, ANDREW
    if case == "someone else's":
        author = BAYKO
    elif case == "another conversation":
        group = other.message_group_uuid
    else:
        uuid = "99999999-9999-4999-8999-999999999999"

    with table_unchanged(clocked_store.client, clocked_store.table_name):
        with pytest.raises(MessageNotFound):
            edits.edit(message_group_uuid=group, message_uuid=uuid, author=author, text="mine", window=WINDOW)
        with pytest.raises(MessageNotFound):
            edits.delete(message_group_uuid=group, message_uuid=uuid, author=author)


def test_old_backend_messages_have_no_lookup_item_and_are_not_found(clocked_store):
    group = write_old_backend_conversation(clocked_store, ANDREW, BAYKO, ["one", "two"])
    store = old_table(clocked_store)
    [first, _] = store.list_messages(message_group_uuid=group, limit=10).items

    with table_unchanged(store.client, store.table_name), pytest.raises(MessageNotFound):
        MessageEdits(store).delete(message_group_uuid=group, message_uuid=first.uuid, author=ANDREW)


# Read state as issue 15's branch keeps it: per member in the conversation item, copied onto the group item.

def read_up_to(store, group_uuid, member, message):
    """The member has read up to `message` (the store's own mark-read)."""
    store.mark_read(conversation=store.get_conversation(message_group_uuid=group_uuid), member_uuid=member.uuid,
                    up_to=message.created_at)


def read_state(store, group_uuid, member):
    conversation = store.table.get(items.conversation_key(group_uuid))
    state = conversation["members"]["M"][member.uuid]["M"]
    group_key = items.key(items.group_pk(member.uuid), state["group_sk"]["S"])
    return int(state["unread"]["N"]), int(state["rev"]["N"]), int(store.table.get(group_key)["unread_count"]["N"])


def test_deleting_a_message_the_other_member_has_not_read_lowers_their_count(clocked_store, clock, edits):
    read = send(clocked_store, clock, ANDREW, BAYKO, "read")
    unread = [send(clocked_store, clock, ANDREW, BAYKO, text) for text in ("unread one", "unread two")]
    group = read.message_group_uuid
    read_up_to(clocked_store, group, BAYKO, read)
    unread_count, rev, group_count = read_state(clocked_store, group, BAYKO)
    assert unread_count == group_count == 2

    edits.delete(message_group_uuid=group, message_uuid=unread[0].uuid, author=ANDREW)

    assert read_state(clocked_store, group, BAYKO) == (1, rev + 1, 1)
    edits.delete(message_group_uuid=group, message_uuid=unread[0].uuid, author=ANDREW)
    assert read_state(clocked_store, group, BAYKO) == (1, rev + 1, 1), "a repeated delete counts once"
    edits.delete(message_group_uuid=group, message_uuid=unread[1].uuid, author=ANDREW)
    assert read_state(clocked_store, group, BAYKO) == (0, rev + 2, 0)
    assert check_table(clocked_store.client, clocked_store.table_name) == []


def test_deleting_a_message_already_read_leaves_the_count(clocked_store, clock, edits):
    read = send(clocked_store, clock, ANDREW, BAYKO, "read")
    send(clocked_store, clock, ANDREW, BAYKO, "unread")
    group = read.message_group_uuid
    read_up_to(clocked_store, group, BAYKO, read)
    before = read_state(clocked_store, group, BAYKO)
    assert before[0] == 1

    edits.delete(message_group_uuid=group, message_uuid=read.uuid, author=ANDREW)

    assert read_state(clocked_store, group, BAYKO) == before
    assert check_table(clocked_store.client, clocked_store.table_name) == []


def test_stream_mode_shows_an_edit_made_before_the_stream_applied_the_message(ddb_backend, clock):
    client, table = ddb_backend
    store = MessageStore(client, table, clock=clock, group_updates="stream")
    first = send(store, clock, ANDREW, BAYKO, "first")  # a conversation's first message re-keys inline
    pending = store.send_in_conversation(conversation=store.get_conversation(
        message_group_uuid=first.message_group_uuid), sender=ANDREW, text="helo")

    MessageEdits(store).edit(message_group_uuid=pending.message_group_uuid, message_uuid=pending.uuid,
                             author=ANDREW, text="hello", window=WINDOW)
    assert group_texts(store, first.message_group_uuid)["bayko"] == [("first", first.created_at)]
    # The stream record carries the text as sent.
    assert store.apply_message_to_groups(message=pending)

    assert group_texts(store, first.message_group_uuid) == {
        "andrewbrown": [("hello", pending.created_at)], "bayko": [("hello", pending.created_at)]}
    assert check_table(client, table) == []


def test_stream_mode_edits_of_the_applied_last_message_update_the_group_items(ddb_backend, clock):
    client, table = ddb_backend
    store = MessageStore(client, table, clock=clock, group_updates="stream")
    first = send(store, clock, ANDREW, BAYKO, "first")
    pending = store.send_in_conversation(conversation=store.get_conversation(
        message_group_uuid=first.message_group_uuid), sender=ANDREW, text="helo")
    store.apply_message_to_groups(message=pending)

    MessageEdits(store).delete(message_group_uuid=pending.message_group_uuid, message_uuid=pending.uuid,
                               author=ANDREW)

    assert group_texts(store, first.message_group_uuid) == {
        "andrewbrown": [("", pending.created_at)], "bayko": [("", pending.created_at)]}
    assert not store.apply_message_to_groups(message=pending), "the record delivered again changes nothing"
    assert check_table(client, table) == []
