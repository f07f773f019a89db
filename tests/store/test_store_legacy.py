"""A table the old backend wrote: random group uuids, two group items, no conversation/pair items."""

from messaging.store import items
from messaging.store.table_check import check_table
from tests.support.store import ANDREW, BAYKO, LONDO, old_table, write_old_backend_conversation


def test_old_conversations_are_listed_read_and_continued(store):
    store = old_table(store)
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi", "hello", "bye"])

    [listed] = store.list_groups(user_uuid=ANDREW.uuid, limit=10).items
    assert (listed.uuid, listed.other.handle, listed.last_message) == (group, "bayko", "bye")
    conversation = store.get_conversation(message_group_uuid=group)
    assert conversation.legacy and {m.handle for m in conversation.members} == {"andrewbrown", "bayko"}
    assert [m.text for m in store.list_messages(message_group_uuid=group, limit=10).items] == ["hi", "hello", "bye"]

    reply = store.send_in_conversation(conversation=conversation, sender=BAYKO, text="back again")
    assert reply.message_group_uuid == group
    for owner in (ANDREW, BAYKO):
        [group_item] = store.list_groups(user_uuid=owner.uuid, limit=10).items
        assert (group_item.uuid, group_item.last_message, group_item.last_message_at) == (
            group, "back again", reply.created_at)
    assert not store.get_conversation(message_group_uuid=group).legacy


def test_a_first_message_finds_the_old_conversation(store):
    store = old_table(store)
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi"])
    message = store.send_to_user(sender=BAYKO, recipient=ANDREW, text="again")
    assert message.message_group_uuid == group


def test_backfill_writes_conversation_and_pair_items_and_drops_duplicates(store):
    store = old_table(store)
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["hi", "there"])
    other = write_old_backend_conversation(store, ANDREW, LONDO, ["x"])
    # An old race left a second, older group item for Andrew in the first conversation.
    store.client.put_item(TableName=store.table_name, Item=items.group_item(
        ANDREW.uuid, "2025-06-01T09:00:00.000000+00:00", group, BAYKO, "stale"))

    report = store.backfill()
    assert (report.conversations, report.conversations_created, report.pairs_created) == (2, 2, 2)
    assert report.duplicate_group_items_removed == 1
    assert [g.uuid for g in store.list_groups(user_uuid=ANDREW.uuid, limit=10).items] == [group, other]
    assert store.find_conversation_between(a_uuid=BAYKO.uuid, b_uuid=ANDREW.uuid) == group
    assert store.is_backfilled()
    assert check_table(store.client, store.table_name) == []
    again = store.backfill()
    assert (again.conversations, again.conversations_created, again.pairs_created) == (2, 0, 0)


def test_after_backfill_reads_search_no_gsi_until_backfill_runs_again(store):
    """The rule: a backfilled table has a conversation item for every conversation, so reads make no GSI
    search; a conversation the old backend starts later is found once `backfill` runs again."""
    assert store.is_backfilled()
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["written by the old backend later"])
    assert store.get_conversation(message_group_uuid=group) is None
    assert store.get_conversation_of_member(message_group_uuid=group, member_uuid=ANDREW.uuid) is None

    assert store.backfill().conversations_created == 1
    assert store.get_conversation_of_member(message_group_uuid=group,
                                            member_uuid=ANDREW.uuid).message_group_uuid == group
