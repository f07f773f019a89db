"""Listing and paging: one Query each, no year filter, no gap and no duplicate."""
from datetime import UTC, datetime, timedelta

import pytest

from messaging.store import items
from messaging.store.models import Message
from tests.support.store import ANDREW, BAYKO


def write_history(store, count: int, start: datetime) -> str:
    """A conversation of `count` messages, one second apart, spanning year boundaries when long."""
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="message 0")
    group = first.message_group_uuid
    requests = [
        {"PutRequest": {"Item": items.message_item(Message(
            group, f"m-{n}", (start + timedelta(hours=n)).isoformat(timespec="microseconds"), f"message {n}",
            ANDREW if n % 2 else BAYKO))}}
        for n in range(1, count)
    ]
    for chunk in range(0, len(requests), 25):
        store.client.batch_write_item(RequestItems={store.table_name: requests[chunk:chunk + 25]})
    return group


@pytest.mark.parametrize("limit", [7, 100])
def test_walks_a_1000_message_conversation_backwards_and_forwards(store, limit):
    # Starts in 2025 and the first message is "now": history crosses a year boundary.
    group = write_history(store, 1000, datetime(2025, 12, 1, tzinfo=UTC))
    seen, cursor = [], None
    while True:
        page = store.list_messages(message_group_uuid=group, limit=limit, before=cursor)
        assert [m.created_at for m in page.items] == sorted(m.created_at for m in page.items)
        seen = page.items + seen
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == 1000 and len({m.uuid for m in seen}) == 1000
    assert [m.created_at for m in seen] == sorted(m.created_at for m in seen)

    # Forward again from the oldest page (the last one walked), following `after` cursors.
    forward, cursor = list(page.items), page.newest_cursor
    while True:
        page = store.list_messages(message_group_uuid=group, limit=limit, after=cursor)
        if not page.items:
            break
        forward += page.items
        cursor = page.next_cursor
    assert [m.uuid for m in forward] == [m.uuid for m in seen]


def test_newest_page_is_returned_oldest_first(store):
    group = write_history(store, 30, datetime(2024, 1, 1, tzinfo=UTC))
    page = store.list_messages(message_group_uuid=group, limit=5)
    assert [m.created_at for m in page.items] == sorted(m.created_at for m in page.items)
    newest = max(m.created_at for m in store.list_messages(message_group_uuid=group, limit=100).items)
    assert page.items[-1].created_at == newest
    assert page.newest_cursor is not None and page.next_cursor is not None


def test_after_pages_always_say_where_to_poll_next(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="only")
    page = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20)
    assert page.next_cursor is None
    poll = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20, after=page.newest_cursor)
    assert poll.items == [] and poll.next_cursor == page.newest_cursor and poll.direction == "after"
    conversation = store.get_conversation(message_group_uuid=message.message_group_uuid)
    reply = store.send_in_conversation(conversation=conversation, sender=BAYKO, text="reply")
    poll = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20, after=poll.next_cursor)
    assert [m.uuid for m in poll.items] == [reply.uuid]


def test_groups_newest_first_including_last_years(stepping_store):
    from tests.support.store import LONDO

    store = stepping_store
    old = store.send_to_user(sender=ANDREW, recipient=LONDO, text="last year")
    # Move the old conversation into last year, as an old table would have it.
    store.client.delete_item(TableName=store.table_name, Key=items.key(f"GRP#{ANDREW.uuid}", old.created_at))
    store.client.put_item(TableName=store.table_name, Item=items.group_item(
        ANDREW.uuid, "2025-03-01T10:00:00.000000+00:00", old.message_group_uuid, LONDO, "last year"))
    store.send_to_user(sender=ANDREW, recipient=BAYKO, text="this year")
    groups = store.list_groups(user_uuid=ANDREW.uuid, limit=20).items
    assert [g.other.handle for g in groups] == ["bayko", "londo"]
    assert groups[1].last_message_at.startswith("2025")
    first = store.list_groups(user_uuid=ANDREW.uuid, limit=1)
    second = store.list_groups(user_uuid=ANDREW.uuid, limit=1, before=first.next_cursor)
    assert [g.other.handle for g in first.items + second.items] == ["bayko", "londo"]
    assert second.next_cursor is None
