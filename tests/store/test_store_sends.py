"""The store's writes: item shapes of the old backend, one transaction, re-keying, idempotency."""
from datetime import UTC, datetime

import pytest

from messaging.store import items
from messaging.store.errors import IdempotencyKeyReused, InvalidCursor
from messaging.store.models import IdempotencyReceipt, UserRef
from messaging.store.store import MessageStore
from messaging.store.table_check import scan_items
from tests.support.store import ANDREW, BAYKO, LONDO, SteppingClock


def all_items(store: MessageStore) -> list[dict]:
    return list(scan_items(store.client, store.table_name))


def group_items(store, owner_uuid):
    return [i for i in all_items(store) if i["pk"]["S"] == f"GRP#{owner_uuid}"]


def test_first_message_writes_old_backend_item_shapes(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="Hello Bayko")
    group = message.message_group_uuid
    by_pk = {i["pk"]["S"]: i for i in all_items(store) if not i["pk"]["S"].startswith("META#")}

    assert by_pk[f"MSG#{group}"] == {
        "pk": {"S": f"MSG#{group}"}, "sk": {"S": message.created_at},
        "message_uuid": {"S": message.uuid}, "message": {"S": "Hello Bayko"},
        "user_uuid": {"S": ANDREW.uuid}, "user_display_name": {"S": "Andrew Brown"},
        "user_handle": {"S": "andrewbrown"},
    }
    # Each member's group item names the *other* member; the owner's read state is an addition.
    assert by_pk[f"GRP#{ANDREW.uuid}"] == {
        "pk": {"S": f"GRP#{ANDREW.uuid}"}, "sk": {"S": message.created_at},
        "message_group_uuid": {"S": group}, "message": {"S": "Hello Bayko"},
        "user_uuid": {"S": BAYKO.uuid}, "user_display_name": {"S": "Andrew Bayko"}, "user_handle": {"S": "bayko"},
        "unread_count": {"N": "0"}, "last_read_at": {"S": message.created_at}, "muted": {"BOOL": False},
    }
    assert by_pk[f"GRP#{BAYKO.uuid}"]["unread_count"] == {"N": "1"}
    assert by_pk[f"GRP#{BAYKO.uuid}"]["user_handle"] == {"S": "andrewbrown"}
    assert f"CONV#{group}" in by_pk
    assert "message_group_uuid" not in by_pk[f"CONV#{group}"], "conversation items stay out of the GSI"
    low, high = sorted((ANDREW.uuid, BAYKO.uuid))
    assert by_pk[f"PAIR#{low}#{high}"]["conversation_uuid"] == {"S": group}


def test_times_are_utc_iso_with_microseconds(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hi")
    assert len(message.created_at) == len("2026-11-24T12:30:01.123456+00:00")
    assert message.created_at.endswith("+00:00") and message.created_at[19] == "."


def test_a_second_first_message_lands_in_the_same_conversation(store):
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    second = store.send_to_user(sender=BAYKO, recipient=ANDREW, text="two")
    assert second.message_group_uuid == first.message_group_uuid
    assert [m.text for m in store.list_messages(message_group_uuid=first.message_group_uuid,
                                                limit=10).items] == ["one", "two"]


def test_continuing_rekeys_both_group_items_forward(stepping_store):
    store = stepping_store
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    conversation = store.get_conversation(message_group_uuid=first.message_group_uuid)
    second = store.send_in_conversation(conversation=conversation, sender=BAYKO, text="two")
    assert second.created_at > first.created_at
    for owner in (ANDREW, BAYKO):
        [group] = group_items(store, owner.uuid)
        assert group["sk"]["S"] == second.created_at
        assert group["message"]["S"] == "two"
    conversation = store.get_conversation(message_group_uuid=first.message_group_uuid)
    assert conversation.last_message_at == second.created_at
    assert set(conversation.group_sks.values()) == {second.created_at}


def test_a_send_that_lost_the_race_retries_with_the_conversation_its_transaction_returned(stepping_store):
    store = stepping_store
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    stale = store.get_conversation(message_group_uuid=first.message_group_uuid)
    # Now `stale` no longer has the last message time.
    store.send_in_conversation(conversation=stale, sender=BAYKO, text="two")
    calls = []
    store.client.meta.events.register("before-call.dynamodb", lambda model, **kwargs: calls.append(model.name))

    third = store.send_in_conversation(conversation=stale, sender=ANDREW, text="three")

    # The cancelled transaction carried the current conversation: no GetItem between the two attempts.
    assert calls == ["TransactWriteItems", "TransactWriteItems"]
    assert [m.text for m in store.list_messages(message_group_uuid=first.message_group_uuid,
                                                limit=10).items] == ["one", "two", "three"]
    for owner in (ANDREW, BAYKO):
        [group] = group_items(store, owner.uuid)
        assert (group["sk"]["S"], group["message"]["S"]) == (third.created_at, "three")


def test_stream_rekeying_that_loses_the_race_retries_with_the_conversation_its_transaction_returned(ddb_backend):
    client, table = ddb_backend
    store = MessageStore(client, table, group_updates="stream", clock=SteppingClock())
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    conversation = store.get_conversation(message_group_uuid=first.message_group_uuid)
    two = store.send_in_conversation(conversation=conversation, sender=BAYKO, text="two")
    three = store.send_in_conversation(conversation=conversation, sender=ANDREW, text="three")
    calls, raced = [], []

    def apply_two_first(**kwargs):
        # Between our read of the conversation and our transaction, another record is applied.
        if not raced:
            raced.append(True)
            store.apply_message_to_groups(message=two)

    client.meta.events.register("before-call.dynamodb", lambda model, **kwargs: calls.append(model.name))
    client.meta.events.register("after-call.dynamodb.GetItem", apply_two_first)

    assert store.apply_message_to_groups(message=three)

    # Ours: GetItem, a cancelled TransactWriteItems, a committed one; the racing record's GetItem and
    # TransactWriteItems in between. No second GetItem of ours.
    assert calls == ["GetItem", "GetItem", "TransactWriteItems", "TransactWriteItems", "TransactWriteItems"]
    for owner in (ANDREW, BAYKO):
        [group] = group_items(store, owner.uuid)
        assert (group["sk"]["S"], group["message"]["S"]) == (three.created_at, "three")


def test_a_message_never_overwrites_one_at_the_same_microsecond(ddb_backend):
    client, table = ddb_backend
    frozen = MessageStore(client, table, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    first = frozen.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    conversation = frozen.get_conversation(message_group_uuid=first.message_group_uuid)
    second = frozen.send_in_conversation(conversation=conversation, sender=ANDREW, text="two")
    assert second.created_at == "2026-01-01T00:00:00.000001+00:00"
    assert [m.text for m in frozen.list_messages(message_group_uuid=first.message_group_uuid,
                                                 limit=10).items] == ["one", "two"]


def test_group_items_of_two_conversations_at_one_instant_do_not_collide(ddb_backend):
    client, table = ddb_backend
    frozen = MessageStore(client, table, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    frozen.send_to_user(sender=ANDREW, recipient=BAYKO, text="to bayko")
    frozen.send_to_user(sender=ANDREW, recipient=LONDO, text="to londo")
    groups = frozen.list_groups(user_uuid=ANDREW.uuid, limit=10).items
    assert {g.other.handle for g in groups} == {"bayko", "londo"}


def test_sender_name_change_reaches_the_other_members_group_item(store):
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="one")
    renamed = UserRef(ANDREW.uuid, ANDREW.handle, "Andy B")
    store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=first.message_group_uuid),
                               sender=renamed, text="two")
    [bayko_group] = store.list_groups(user_uuid=BAYKO.uuid, limit=10).items
    assert bayko_group.other.display_name == "Andy B"


def test_idempotency_key_returns_the_first_result_and_stores_nothing_new(store):
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=IdempotencyReceipt("k-1", "h"))
    again = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=IdempotencyReceipt("k-1", "h"))
    assert again == first
    conversation = store.get_conversation(message_group_uuid=first.message_group_uuid)
    cont = store.send_in_conversation(conversation=conversation, sender=ANDREW, text="twice",
                                      receipt=IdempotencyReceipt("k-2", "h2"))
    assert store.send_in_conversation(conversation=conversation, sender=ANDREW, text="twice",
                                      receipt=IdempotencyReceipt("k-2", "h2")) == cont
    assert [m.text for m in store.list_messages(message_group_uuid=first.message_group_uuid,
                                                limit=10).items] == ["once", "twice"]
    with pytest.raises(IdempotencyKeyReused):
        store.send_in_conversation(conversation=conversation, sender=ANDREW, text="other text",
                                   receipt=IdempotencyReceipt("k-2", "h3"))
    assert len(store.list_messages(message_group_uuid=first.message_group_uuid, limit=10).items) == 2


def test_idempotency_keys_are_per_sender(store):
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="a", receipt=IdempotencyReceipt("same", "h"))
    other = store.send_to_user(sender=BAYKO, recipient=ANDREW, text="b", receipt=IdempotencyReceipt("same", "h"))
    assert other.uuid != first.uuid


def test_receipts_stay_out_of_the_group_index(store):
    store.send_to_user(sender=ANDREW, recipient=BAYKO, text="a", receipt=IdempotencyReceipt("k", "h"))
    receipts = [i for i in all_items(store) if i["pk"]["S"].startswith("IDEM#")]
    assert receipts and all("message_group_uuid" not in r for r in receipts)
    assert all("expires_at" in r for r in receipts)


def test_bad_cursor_is_refused(store):
    with pytest.raises(InvalidCursor):
        store.list_groups(user_uuid=ANDREW.uuid, limit=10, before="not-a-cursor!")


def test_conversation_item_records_members(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="x")
    conversation = store.get_conversation(message_group_uuid=message.message_group_uuid)
    assert {m.uuid for m in conversation.members} == {ANDREW.uuid, BAYKO.uuid}
    assert conversation.member(LONDO.uuid) is None
    assert conversation.other_member(ANDREW.uuid) == BAYKO
    assert not conversation.legacy
    assert store.get_conversation(message_group_uuid="00000000-0000-4000-8000-000000000000") is None
    assert items.conversation_key(message.message_group_uuid)["sk"] == {"S": "CONV"}
