"""The store with a conversation cache: a member's read and a continued send make no GetItem when the cache is
warm; a stale entry costs one cancelled transaction and never a wrong write."""
from dataclasses import replace

import pytest

from messaging.store import items
from messaging.store.store import MessageStore
from messaging.store.table_check import find_violations, read_table
from tests.support.ddb_calls import dynamodb_calls
from tests.support.store import (
    ANDREW,
    BAYKO,
    LONDO,
    DictCache,
    all_messages,
    continue_as,
    expected_unread,
    forget_backfill,
    group_of,
    write_old_backend_conversation,
)


@pytest.fixture
def cache():
    return DictCache()


@pytest.fixture
def cached_store(ddb_backend, cache):
    client, table = ddb_backend
    return MessageStore(client, table, conversation_cache=cache)


def test_a_members_read_of_a_started_conversation_is_served_from_the_cache(cached_store):
    started = cached_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hi")
    with dynamodb_calls(cached_store.client) as calls:
        conversation = cached_store.get_conversation_of_member(message_group_uuid=started.message_group_uuid,
                                                               member_uuid=BAYKO.uuid)
    assert calls == []
    assert conversation.from_cache
    assert {m.uuid for m in conversation.members} == {ANDREW.uuid, BAYKO.uuid}
    assert conversation.last_message_at == started.created_at


def test_someone_elses_cached_conversation_costs_what_a_missing_one_costs(cached_store):
    started = cached_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hi")
    with dynamodb_calls(cached_store.client) as foreign_calls:
        foreign = cached_store.get_conversation_of_member(message_group_uuid=started.message_group_uuid,
                                                          member_uuid=LONDO.uuid)
    with dynamodb_calls(cached_store.client) as missing_calls:
        missing = cached_store.get_conversation_of_member(message_group_uuid="0" * 8 + "-0000-4000-8000-" + "0" * 12,
                                                          member_uuid=LONDO.uuid)
    assert foreign is None and missing is None
    assert foreign_calls == missing_calls == ["GetItem"]


def test_a_continued_send_with_a_warm_cache_is_one_transaction_and_one_cache_read(cached_store, cache):
    group = cached_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hi").message_group_uuid
    reads = []
    cache.get = lambda message_group_uuid: reads.append(message_group_uuid) or cache.items.get(message_group_uuid)
    for n in range(3):
        with dynamodb_calls(cached_store.client) as calls:
            continue_as(cached_store, ANDREW, group, f"again {n}")
        assert calls == ["TransactWriteItems"], n
    # The member's read only: a send that did not wait for its turn has nothing newer to read again.
    assert reads == [group] * 3
    assert [m.text for m in all_messages(cached_store, group)] == ["hi", "again 0", "again 1", "again 2"]


def test_with_a_cache_of_its_own_a_process_writes_from_the_stored_conversation(ddb_backend):
    """A cache other processes do not write through may be behind: sends and state writes read the item first
    (as without a cache), while membership still comes from the cache."""
    client, table = ddb_backend
    store = MessageStore(client, table, conversation_cache=DictCache(shared=False))
    group = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hi").message_group_uuid
    with dynamodb_calls(client) as calls:
        conversation = store.get_conversation_of_member(message_group_uuid=group, member_uuid=BAYKO.uuid)
    assert calls == [] and conversation.from_cache
    with dynamodb_calls(client) as calls:
        store.send_in_conversation(conversation=conversation, sender=BAYKO, text="reply")
        store.mark_read(conversation=conversation, member_uuid=ANDREW.uuid)
    assert calls == ["GetItem", "TransactWriteItems", "GetItem", "TransactWriteItems"]


def test_a_stale_entry_costs_one_cancelled_transaction_and_the_send_is_stored_right(ddb_backend, cached_store, cache):
    """Two processes with their own caches write one conversation in turn: each one's entry is behind the
    other's write, so each send is a cancelled transaction (returning the item) and one that commits."""
    client, table = ddb_backend
    other_process = MessageStore(client, table, conversation_cache=DictCache())
    group = cached_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="first").message_group_uuid
    continue_as(other_process, BAYKO, group, "warms the other cache")
    for n in range(3):
        for store, sender in ((cached_store, ANDREW), (other_process, BAYKO)):
            with dynamodb_calls(store.client) as calls:
                continue_as(store, sender, group, f"{sender.handle} {n}")
            assert calls == ["TransactWriteItems", "TransactWriteItems"], (sender.handle, n)

    messages = all_messages(cached_store, group)
    assert len(messages) == 8
    stored = cached_store.get_conversation(message_group_uuid=group)
    for member in (ANDREW, BAYKO):
        state = stored.states[member.uuid]
        assert state.unread == expected_unread(messages, member.uuid, state.last_read_at), member.handle
    assert find_violations(read_table(client, table)) == []


@pytest.mark.parametrize("shared", [True, False], ids=["shared cache", "cache of its own"])
def test_the_names_the_caller_gives_are_written_also_after_a_lost_race(ddb_backend, shared):
    """The caller gives the members' current names; the state read again (the stored item, the item a cancelled
    transaction returned) carries the stored copies, which must not replace them."""
    client, table = ddb_backend
    store = MessageStore(client, table, conversation_cache=DictCache(shared=shared))
    group = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="first").message_group_uuid
    conversation = store.get_conversation_of_member(message_group_uuid=group, member_uuid=ANDREW.uuid)
    continue_as(MessageStore(client, table, conversation_cache=DictCache()), BAYKO, group, "another process's")
    renamed = replace(BAYKO, display_name="Bayko Renamed")
    conversation = replace(conversation, members=tuple(renamed if m.uuid == BAYKO.uuid else m
                                                       for m in conversation.members))

    with dynamodb_calls(client) as calls:
        store.send_in_conversation(conversation=conversation, sender=ANDREW, text="after the race")

    assert calls == (["TransactWriteItems"] * 2 if shared else ["GetItem", "TransactWriteItems"])
    assert group_of(store, ANDREW.uuid, group).other.display_name == "Bayko Renamed"


def test_an_entry_left_behind_is_replaced_by_the_item_the_cancelled_transaction_returned(ddb_backend, cache):
    """Two writers' entries can land out of order, leaving an older one in the cache: the next send's cancelled
    transaction returns the item as it is, and the cache takes that before the retry commits."""
    client, table = ddb_backend
    store = MessageStore(client, table, conversation_cache=cache)
    group = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="first").message_group_uuid
    left_behind = cache.items[group]
    continue_as(store, BAYKO, group, "second")
    stored_before = items.conversation_from_item(cache.items[group])
    cache.items[group] = left_behind
    written = []
    cache.set = lambda message_group_uuid, item: written.append(items.conversation_from_item(item))

    with dynamodb_calls(client) as calls:
        continue_as(store, ANDREW, group, "third")
    assert calls == ["TransactWriteItems", "TransactWriteItems"]
    assert written[0] == stored_before
    assert written[-1] == store.get_conversation(message_group_uuid=group)


def test_mark_read_decides_nothing_is_new_on_the_stored_state_not_a_stale_entry(ddb_backend, cached_store):
    client, table = ddb_backend
    group = cached_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="first").message_group_uuid
    cached_store.mark_read(conversation=cached_store.get_conversation_of_member(
        message_group_uuid=group, member_uuid=BAYKO.uuid), member_uuid=BAYKO.uuid)
    # Another process sends: this store's entry still says Bayko has read everything.
    newer = continue_as(MessageStore(client, table), ANDREW, group, "second")

    conversation = cached_store.get_conversation_of_member(message_group_uuid=group, member_uuid=BAYKO.uuid)
    assert conversation.from_cache and conversation.last_message_at < newer.created_at
    read = cached_store.mark_read(conversation=conversation, member_uuid=BAYKO.uuid)
    assert (read.last_read_at, read.unread_count) == (newer.created_at, 0)
    assert cached_store.get_conversation(message_group_uuid=group).states[BAYKO.uuid].unread == 0


def test_old_backend_conversations_are_not_cached_until_adopted(ddb_backend, cache):
    client, table = ddb_backend
    forget_backfill(client, table)
    store = MessageStore(client, table, conversation_cache=cache)
    group = write_old_backend_conversation(store, ANDREW, BAYKO, ["from the old backend"])
    conversation = store.get_conversation_of_member(message_group_uuid=group, member_uuid=ANDREW.uuid)
    assert conversation.legacy and cache.items == {}
    store.send_in_conversation(conversation=conversation, sender=ANDREW, text="adopted")
    assert items.conversation_from_item(cache.items[group]) == store.get_conversation(message_group_uuid=group)
