"""The table check (`messaging.store.table_check`) catches each kind of violation planted on a table the
store wrote, and passes the table as the store leaves it: consistent scan, every page."""
import pytest

from messaging.store import items
from messaging.store.edits import MessageEdits
from messaging.store.models import Message
from messaging.store.table_check import Kind, check_table, read_table
from messaging.store.timefmt import next_microsecond
from tests.support.store import ANDREW, BAYKO, LONDO, old_table, write_old_backend_conversation

LATER = "2026-12-01T00:00:00.000000+00:00"
EARLIER = "2020-01-01T00:00:00.000000+00:00"
JULY = "2025-07-01T10:00:00.000000+00:00"  # a second old-backend conversation, at other times


@pytest.fixture
def sent(store):
    """Two conversations the store wrote: Andrew and Bayko (two messages), Andrew and Londo (one)."""
    store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hello")
    last = store.send_to_user(sender=BAYKO, recipient=ANDREW, text="hello back")
    other = store.send_to_user(sender=LONDO, recipient=ANDREW, text="hi from Londo")
    return last, other


def found(store) -> set[tuple[str, Kind]]:
    return {(violation.conversation_uuid, violation.kind) for violation in check_table(store.client, store.table_name)}


def put(store, item: dict) -> None:
    store.client.put_item(TableName=store.table_name, Item=item)


def delete(store, key: dict) -> None:
    store.client.delete_item(TableName=store.table_name, Key=key)


def group_item_of(store, owner, conversation_uuid) -> dict:
    [item] = [i for i in read_table(store.client, store.table_name).group_items[conversation_uuid]
              if i["pk"]["S"] == items.group_pk(owner.uuid)]
    return item


def update_conversation(store, conversation_uuid, expression, values, names=None) -> None:
    store.client.update_item(TableName=store.table_name, Key=items.conversation_key(conversation_uuid),
                             UpdateExpression=expression, ExpressionAttributeValues=values,
                             **({"ExpressionAttributeNames": names} if names else {}))


def test_the_table_as_the_store_leaves_it_passes(store, sent):
    assert check_table(store.client, store.table_name) == []


def test_every_page_is_read(store, sent):
    calls = []
    store.client.meta.events.register("provide-client-params.dynamodb.Scan",
                                      lambda params, **_: calls.append(dict(params)))

    contents = read_table(store.client, store.table_name, page_size=2)

    assert len(calls) > 2 and all(params["ConsistentRead"] for params in calls)
    assert len(contents.all_messages()) == 3 and len(contents.conversations) == 2
    assert check_table(store.client, store.table_name, page_size=2) == []


def test_a_third_member_is_caught(store, sent):
    last, _ = sent
    update_conversation(store, last.message_group_uuid, "SET members.#l = :m",
                        {":m": items.member_value(LONDO, last.created_at)}, {"#l": LONDO.uuid})

    assert (last.message_group_uuid, Kind.MEMBERS) in found(store)


def test_a_conversation_without_messages_is_caught(store, sent):
    _, other = sent
    delete(store, items.key(items.message_pk(other.message_group_uuid), other.created_at))

    # The removed message's lookup item now points at nothing, too.
    assert found(store) == {(other.message_group_uuid, Kind.NO_MESSAGES),
                            (other.message_group_uuid, Kind.DANGLING_LOOKUP)}


def test_last_message_at_behind_the_newest_message_is_caught(store, sent):
    last, _ = sent
    update_conversation(store, last.message_group_uuid, "SET last_message_at = :t", {":t": items.S(EARLIER)})

    assert found(store) == {(last.message_group_uuid, Kind.LAST_MESSAGE_AT)}


def test_a_group_item_left_behind_by_a_rekey_is_caught(store, sent):
    last, _ = sent
    put(store, {**group_item_of(store, ANDREW, last.message_group_uuid), "sk": items.S(EARLIER)})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_COUNT)}


def test_a_missing_group_item_is_caught(store, sent):
    last, _ = sent
    delete(store, items.key(items.group_pk(BAYKO.uuid), last.created_at))

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_COUNT)}


def test_a_group_item_behind_the_newest_message_is_caught(store, sent):
    """The group item and the conversation's record of it agree, but both are at an older message."""
    last, _ = sent
    item = group_item_of(store, BAYKO, last.message_group_uuid)
    delete(store, items.key(item["pk"]["S"], item["sk"]["S"]))
    put(store, {**item, "sk": items.S(EARLIER)})
    update_conversation(store, last.message_group_uuid, "SET members.#b.group_sk = :sk",
                        {":sk": items.S(EARLIER)}, {"#b": BAYKO.uuid})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_BEHIND)}


def test_a_group_item_with_another_text_is_caught(store, sent):
    last, _ = sent
    put(store, {**group_item_of(store, BAYKO, last.message_group_uuid), "message": items.S("hello")})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_BEHIND)}


def test_a_group_item_naming_someone_other_than_the_other_member_is_caught(store, sent):
    last, _ = sent
    put(store, {**group_item_of(store, ANDREW, last.message_group_uuid), "user_uuid": items.S(LONDO.uuid)})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_OTHER)}


def test_a_conversation_recording_another_group_item_is_caught(store, sent):
    last, _ = sent
    update_conversation(store, last.message_group_uuid, "SET members.#a.group_sk = :sk",
                        {":sk": items.S(EARLIER)}, {"#a": ANDREW.uuid})

    assert found(store) == {(last.message_group_uuid, Kind.RECORDED_GROUP_SK)}


def test_a_group_item_of_a_non_member_is_caught(store, sent):
    last, _ = sent
    put(store, items.group_item(LONDO.uuid, LATER, last.message_group_uuid, BAYKO, "hello back"))

    assert found(store) == {(last.message_group_uuid, Kind.STRAY_GROUP_ITEM)}


def test_a_second_conversation_for_a_pair_is_caught(store, sent):
    last, _ = sent
    second = "00000000-0000-4000-8000-0000000000c2"
    conversation = store.get_conversation(message_group_uuid=last.message_group_uuid)
    copy = Message(second, "00000000-0000-4000-9000-0000000000c2", LATER, "racing start", ANDREW)
    put(store, items.message_item(copy))
    put(store, items.conversation_item(
        type(conversation)(second, conversation.members, LATER, {ANDREW.uuid: LATER, BAYKO.uuid: LATER})))
    put(store, items.group_item(ANDREW.uuid, LATER, second, BAYKO, copy.text))
    put(store, items.group_item(BAYKO.uuid, LATER, second, ANDREW, copy.text))

    assert found(store) == {(last.message_group_uuid, Kind.PAIR_CONVERSATIONS), (second, Kind.PAIR_CONVERSATIONS)}


def test_a_pair_item_pointing_elsewhere_is_caught(store, sent):
    last, other = sent
    put(store, {**items.pair_key(ANDREW.uuid, BAYKO.uuid), "conversation_uuid": items.S(other.message_group_uuid)})

    assert found(store) == {(last.message_group_uuid, Kind.PAIR_ITEM), (other.message_group_uuid, Kind.DANGLING_PAIR)}


def test_a_missing_pair_item_is_caught_once_backfilled(store, sent):
    last, _ = sent
    delete(store, items.pair_key(ANDREW.uuid, BAYKO.uuid))

    assert found(store) == {(last.message_group_uuid, Kind.PAIR_ITEM)}


def test_a_pair_item_of_no_conversation_is_caught(store, sent):
    nowhere = "00000000-0000-4000-8000-0000000000d0"
    put(store, {**items.pair_key(BAYKO.uuid, LONDO.uuid), "conversation_uuid": items.S(nowhere)})

    assert found(store) == {(nowhere, Kind.DANGLING_PAIR)}


def test_a_message_of_no_conversation_is_caught(store, sent):
    orphan = "00000000-0000-4000-8000-0000000000e0"
    put(store, items.message_item(Message(orphan, "00000000-0000-4000-9000-0000000000e0", LATER, "lost", ANDREW)))

    assert found(store) == {(orphan, Kind.ORPHAN_MESSAGES)}


def test_a_group_item_still_showing_a_deleted_last_message_is_caught(store, sent):
    last, _ = sent
    MessageEdits(store).delete(message_group_uuid=last.message_group_uuid, message_uuid=last.uuid, author=BAYKO)
    assert found(store) == set()
    put(store, {**group_item_of(store, ANDREW, last.message_group_uuid), "message": items.S(last.text)})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_ITEM_BEHIND)}


@pytest.mark.parametrize("planted", ["no message", "another message", "another sender"])
def test_a_lookup_item_not_pointing_at_its_message_is_caught(store, sent, planted):
    last, _ = sent
    lookup = store.table.get(items.lookup_key(last.uuid))
    if planted == "no message":
        lookup["message_sk"] = items.S(LATER)
    elif planted == "another message":
        lookup = {**lookup, **items.lookup_key("00000000-0000-4000-8000-0000000000e1")}
    else:
        lookup["sender_uuid"] = items.S(ANDREW.uuid)
    put(store, lookup)

    assert found(store) == {(last.message_group_uuid, Kind.DANGLING_LOOKUP)}


def test_violations_name_their_conversation_when_printed(store, sent):
    last, _ = sent
    update_conversation(store, last.message_group_uuid, "SET last_message_at = :t", {":t": items.S(EARLIER)})

    [violation] = check_table(store.client, store.table_name)

    assert str(violation).startswith(f"conversation {last.message_group_uuid}: last_message_at {EARLIER}")


def test_stream_mode_may_move_a_group_item_a_microsecond_on_but_no_further(store, sent):
    last, _ = sent
    item = group_item_of(store, ANDREW, last.message_group_uuid)
    for shifted, caught in ((next_microsecond(last.created_at), False), (LATER, True)):
        delete(store, items.key(item["pk"]["S"], item["sk"]["S"]))
        item = {**item, "sk": items.S(shifted)}
        put(store, item)
        update_conversation(store, last.message_group_uuid, "SET members.#a.group_sk = :sk",
                            {":sk": items.S(shifted)}, {"#a": ANDREW.uuid})

        assert found(store) == ({(last.message_group_uuid, Kind.GROUP_ITEM_BEHIND)} if caught else set())


def test_an_old_backend_table_passes_without_conversation_and_pair_items(store):
    store = old_table(store)
    write_old_backend_conversation(store, ANDREW, BAYKO, ["hi", "hello", "bye"])
    adopted = write_old_backend_conversation(store, ANDREW, LONDO, ["one", "two"], start=JULY)
    store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=adopted), sender=LONDO,
                               text="three")  # adopted: no pair item yet

    assert check_table(store.client, store.table_name) == []


def test_an_old_backend_conversation_is_checked_by_its_group_items(store):
    store = old_table(store)
    duplicated = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi", "hello"])
    put(store, items.group_item(ANDREW.uuid, EARLIER, duplicated, BAYKO, "hi"))  # the old backend's race
    behind = write_old_backend_conversation(store, ANDREW, LONDO, ["one", "two"], start=JULY)
    put(store, items.message_item(Message(behind, "00000000-0000-4000-9000-0000000000f0", LATER, "three", LONDO)))

    assert found(store) == {(duplicated, Kind.GROUP_ITEM_COUNT), (behind, Kind.GROUP_ITEM_BEHIND)}


def test_once_backfilled_a_conversation_without_its_item_is_caught(store):
    """schema-load (or backfill) marks the table: group items without a conversation item are strays."""
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi"])

    assert found(store) == {(group, Kind.STRAY_GROUP_ITEM), (group, Kind.ORPHAN_MESSAGES)}


def test_a_wrong_unread_count_is_caught(store, sent):
    last, _ = sent
    update_conversation(store, last.message_group_uuid, "SET members.#a.unread = :n",
                        {":n": {"N": "7"}}, {"#a": ANDREW.uuid})

    # The group item's copy no longer agrees either.
    assert found(store) == {(last.message_group_uuid, Kind.UNREAD_COUNT),
                            (last.message_group_uuid, Kind.GROUP_READ_STATE)}


def test_a_message_that_was_not_counted_is_caught(store, sent):
    """What the old backend or a script does: a message put without the conversation's counts."""
    last, _ = sent
    put(store, items.message_item(Message(last.message_group_uuid, "aaaaaaaa-0000-4000-8000-000000000000", LATER,
                                          "uncounted", BAYKO)))

    assert (last.message_group_uuid, Kind.UNREAD_COUNT) in found(store)


def test_a_group_item_whose_read_state_copy_differs_is_caught(store, sent):
    last, _ = sent
    item = group_item_of(store, ANDREW, last.message_group_uuid)
    put(store, {**item, "muted": {"BOOL": True}})

    assert found(store) == {(last.message_group_uuid, Kind.GROUP_READ_STATE)}
