"""Blocks in the store: checked inside every send's transaction, hiding the blocker's conversation, lifted
with its history intact; the old backend's item shapes unchanged."""
import pytest

from messaging.store.errors import RecipientUnavailable
from messaging.store.store import MessageStore
from messaging.store.table_check import check_table, scan_items
from tests.support.store import ANDREW, BAYKO, LONDO, old_table, write_old_backend_conversation


def stored_items(store: MessageStore) -> list[dict]:
    return list(scan_items(store.client, store.table_name))


def listed(store: MessageStore, user, limit: int = 20) -> list[str]:
    return [group.uuid for group in store.list_groups(user_uuid=user.uuid, limit=limit).items]


def texts(store: MessageStore, group: str) -> list[str]:
    return [m.text for m in store.list_messages(message_group_uuid=group, limit=100).items]


@pytest.fixture
def group(store):
    return store.send_to_user(sender=ANDREW, recipient=BAYKO, text="Hello Bayko").message_group_uuid


def test_a_block_refuses_sends_both_ways_and_stores_nothing(store, group):
    assert store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is True
    before = stored_items(store)
    conversation = store.get_conversation(message_group_uuid=group)
    with pytest.raises(RecipientUnavailable):
        store.send_in_conversation(conversation=conversation, sender=BAYKO, text="let me explain")
    with pytest.raises(RecipientUnavailable):
        store.send_in_conversation(conversation=conversation, sender=ANDREW, text="one last word")
    with pytest.raises(RecipientUnavailable):
        store.send_to_user(sender=BAYKO, recipient=ANDREW, text="by handle")
    assert stored_items(store) == before
    assert texts(store, group) == ["Hello Bayko"]


def test_a_block_refuses_a_first_message(store):
    store.block(blocker_uuid=LONDO.uuid, blocked_uuid=ANDREW.uuid)
    before = stored_items(store)
    for sender, recipient in ((ANDREW, LONDO), (LONDO, ANDREW)):
        with pytest.raises(RecipientUnavailable):
            store.send_to_user(sender=sender, recipient=recipient, text="hello")
    assert stored_items(store) == before
    assert store.find_conversation_between(a_uuid=ANDREW.uuid, b_uuid=LONDO.uuid) is None


def test_others_are_not_affected(store, group):
    store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    sent = store.send_to_user(sender=LONDO, recipient=ANDREW, text="still here")
    assert listed(store, ANDREW) == [sent.message_group_uuid]


def test_the_blockers_conversation_is_hidden_and_comes_back_with_its_history(store, group):
    store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=group), sender=BAYKO,
                               text="Hi Andrew")
    store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    assert listed(store, ANDREW) == []
    assert listed(store, BAYKO) == [group], "the blocked person cannot tell"
    assert check_table(store.client, store.table_name) == []

    assert store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is True
    assert listed(store, ANDREW) == [group]
    assert texts(store, group) == ["Hello Bayko", "Hi Andrew"]
    store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=group), sender=BAYKO,
                               text="thanks")
    assert texts(store, group)[-1] == "thanks"
    assert check_table(store.client, store.table_name) == []


def test_blocking_twice_and_unblocking_someone_not_blocked_change_nothing(store, group):
    assert store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is False
    assert store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is True
    after_first = stored_items(store)
    assert store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is False
    assert stored_items(store) == after_first
    assert [b.uuid for b in store.list_blocked(blocker_uuid=ANDREW.uuid)] == [BAYKO.uuid]
    assert store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is True
    assert store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid) is False
    assert store.list_blocked(blocker_uuid=ANDREW.uuid) == []


def test_blocks_both_ways_each_hide_their_own_side_and_lift_separately(store, group):
    store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    store.block(blocker_uuid=BAYKO.uuid, blocked_uuid=ANDREW.uuid)
    assert listed(store, ANDREW) == listed(store, BAYKO) == []
    store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    assert listed(store, ANDREW) == [group]
    assert listed(store, BAYKO) == []
    with pytest.raises(RecipientUnavailable):
        store.send_to_user(sender=ANDREW, recipient=BAYKO, text="still blocked by bayko")


def test_a_page_of_conversations_is_filled_past_hidden_ones(stepping_store):
    store = stepping_store
    people = [type(ANDREW)(f"00000000-0000-4000-8000-{n:012d}", f"p{n}", f"Person {n}") for n in range(6)]
    groups = [store.send_to_user(sender=person, recipient=ANDREW, text=f"from {person.handle}").message_group_uuid
              for person in people]
    for person in people[1:5]:  # hide four of the six, between the newest and the oldest
        store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=person.uuid)
    first = store.list_groups(user_uuid=ANDREW.uuid, limit=1)
    assert [g.uuid for g in first.items] == [groups[5]]
    second = store.list_groups(user_uuid=ANDREW.uuid, limit=1, before=first.next_cursor)
    assert [g.uuid for g in second.items] == [groups[0]]
    assert second.next_cursor is None
    assert listed(store, ANDREW, limit=2) == [groups[5], groups[0]]


def test_block_and_group_items_keep_the_old_backends_shapes(store, group):
    store.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    by_pk = {item["pk"]["S"]: item for item in stored_items(store)}
    assert by_pk[f"BLOCK#{ANDREW.uuid}"]["sk"] == {"S": BAYKO.uuid}
    assert "message_group_uuid" not in by_pk[f"BLOCK#{ANDREW.uuid}"], "blocks stay out of the GSI"
    hidden = by_pk[f"GRP#{ANDREW.uuid}"]
    assert hidden["hidden"] == {"BOOL": True}
    old_backend = ("pk", "sk", "message_group_uuid", "message", "user_uuid", "user_handle", "user_display_name")
    assert {name: hidden[name] for name in old_backend} == {
        name: by_pk[f"GRP#{BAYKO.uuid}"][name] for name in old_backend} | {
        "pk": {"S": f"GRP#{ANDREW.uuid}"}, "user_uuid": {"S": BAYKO.uuid},
        "user_handle": {"S": "bayko"}, "user_display_name": {"S": "Andrew Bayko"},
    }
    store.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    assert "hidden" not in {name for item in stored_items(store) for name in item}


def test_an_old_backend_conversation_is_adopted_and_hidden(store):
    legacy_store = old_table(store)
    group = write_old_backend_conversation(legacy_store, ANDREW, BAYKO, ["one", "two"])
    legacy_store.block(blocker_uuid=BAYKO.uuid, blocked_uuid=ANDREW.uuid)
    assert listed(legacy_store, BAYKO) == []
    assert listed(legacy_store, ANDREW) == [group]
    legacy_store.unblock(blocker_uuid=BAYKO.uuid, blocked_uuid=ANDREW.uuid)
    assert listed(legacy_store, BAYKO) == [group]
    assert texts(legacy_store, group) == ["one", "two"]


def test_stream_mode_rekeying_keeps_a_conversation_hidden(ddb_backend):
    client, table = ddb_backend
    inline = MessageStore(client, table)
    streamed = MessageStore(client, table, group_updates="stream")
    group = inline.send_to_user(sender=ANDREW, recipient=BAYKO, text="one").message_group_uuid
    # A message stored before the block whose re-keying the stream applies after it.
    late = streamed.send_in_conversation(conversation=streamed.get_conversation(message_group_uuid=group),
                                         sender=BAYKO, text="two")
    inline.block(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    assert streamed.apply_message_to_groups(message=late) is True
    assert listed(inline, ANDREW) == []
    assert [g.last_message for g in inline.list_groups(user_uuid=BAYKO.uuid, limit=5).items] == ["two"]
    with pytest.raises(RecipientUnavailable):  # a stream-mode send (the message alone) checks the block too
        streamed.send_in_conversation(conversation=streamed.get_conversation(message_group_uuid=group),
                                      sender=BAYKO, text="three")
    inline.unblock(blocker_uuid=ANDREW.uuid, blocked_uuid=BAYKO.uuid)
    assert [g.last_message for g in inline.list_groups(user_uuid=ANDREW.uuid, limit=5).items] == ["two"]
    assert check_table(client, table) == []
