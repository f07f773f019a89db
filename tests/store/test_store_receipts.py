"""How long a retried send stays safe: the idempotency receipt lives 24 hours, then the key may be used anew."""
from datetime import timedelta

import pytest

from messaging.store import items
from messaging.store.models import IdempotencyReceipt
from messaging.store.store import RECEIPT_TTL_SECONDS, MessageStore
from tests.support.store import ANDREW, BAYKO, SettableClock

RECEIPT = IdempotencyReceipt(key="k", request_hash="h")


@pytest.fixture
def clock():
    return SettableClock()


@pytest.fixture
def timed_store(ddb_backend, clock):
    client, table = ddb_backend
    return MessageStore(client, table, clock=clock)


def stored_in(store, first):
    return store.list_messages(message_group_uuid=first.message_group_uuid, limit=10).items


def test_a_receipt_lives_24_hours(timed_store, clock):
    first = timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT)

    receipt = timed_store.client.get_item(TableName=timed_store.table_name, Key=items.receipt_key(ANDREW.uuid, "k"),
                                          ConsistentRead=True)["Item"]

    assert RECEIPT_TTL_SECONDS == 24 * 3600
    assert int(receipt["expires_at"]["N"]) == int(clock.now.timestamp()) + RECEIPT_TTL_SECONDS
    assert first.uuid == receipt["message_uuid"]["S"]


def test_a_retry_at_23_hours_replays_the_first_result(timed_store, clock):
    first = timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT)
    clock.advance(timedelta(hours=23))

    again = timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT)

    assert again == first
    assert [m.uuid for m in stored_in(timed_store, first)] == [first.uuid]


def test_a_retry_past_expiry_stores_anew(timed_store, clock):
    """DynamoDB's TTL sweep may not have removed the expired receipt yet: the send overwrites it."""
    first = timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT)
    clock.advance(timedelta(seconds=RECEIPT_TTL_SECONDS + 1))

    again = timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT)

    assert again.uuid != first.uuid and again.message_group_uuid == first.message_group_uuid
    assert [m.uuid for m in stored_in(timed_store, first)] == [first.uuid, again.uuid]
    # The new receipt replays the new result from now on.
    assert timed_store.send_to_user(sender=ANDREW, recipient=BAYKO, text="once", receipt=RECEIPT) == again
