"""How long a retried send stays safe: the idempotency receipt lives 24 hours, then the key may be used anew."""
from datetime import timedelta

import pytest

from messaging.store import items
from messaging.store.store import RECEIPT_TTL_SECONDS, MessageStore
from tests.support.store import ANDREW, BAYKO, SettableClock


@pytest.fixture
def clock():
    return SettableClock()


@pytest.fixture
def timed_store(ddb_backend, clock):
    client, table = ddb_backend
    return MessageStore(client, table, clock=clock)


def test_a_receipt_lives_24_hours(timed_store, clock):
    first = timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h")

    receipt = timed_store.client.get_item(TableName=timed_store.table_name, Key=items.receipt_key(ANDREW.uuid, "k"),
                                          ConsistentRead=True)["Item"]

    assert RECEIPT_TTL_SECONDS == 24 * 3600
    assert int(receipt["expires_at"]["N"]) == int(clock.now.timestamp()) + RECEIPT_TTL_SECONDS
    assert first.uuid == receipt["message_uuid"]["S"]


def test_a_retry_at_23_hours_replays_the_first_result(timed_store, clock):
    first = timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h")
    clock.advance(timedelta(hours=23))

    again = timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h")

    assert again == first
    assert [m.uuid for m in timed_store.list_messages(first.message_group_uuid, 10).items] == [first.uuid]


def test_a_retry_past_expiry_stores_anew(timed_store, clock):
    """DynamoDB's TTL sweep may not have removed the expired receipt yet: the send overwrites it."""
    first = timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h")
    clock.advance(timedelta(seconds=RECEIPT_TTL_SECONDS + 1))

    again = timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h")

    assert again.uuid != first.uuid and again.message_group_uuid == first.message_group_uuid
    assert [m.uuid for m in timed_store.list_messages(first.message_group_uuid, 10).items] == [first.uuid, again.uuid]
    # The new receipt replays the new result from now on.
    assert timed_store.send_to_user(ANDREW, BAYKO, "once", idempotency_key="k", request_hash="h") == again
