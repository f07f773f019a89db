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
        assert (page.next_cursor is None) == (len(forward) == 1000)
        cursor = page.poll_cursor
    assert [m.uuid for m in forward] == [m.uuid for m in seen]


def test_newest_page_is_returned_oldest_first(store):
    group = write_history(store, 30, datetime(2024, 1, 1, tzinfo=UTC))
    page = store.list_messages(message_group_uuid=group, limit=5)
    assert [m.created_at for m in page.items] == sorted(m.created_at for m in page.items)
    newest = max(m.created_at for m in store.list_messages(message_group_uuid=group, limit=100).items)
    assert page.items[-1].created_at == newest
    assert page.newest_cursor is not None and page.next_cursor is not None


def test_after_pages_say_where_to_poll_next_and_have_a_next_only_when_more_exist(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="only")
    page = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20)
    assert page.next_cursor is None and page.poll_cursor == page.newest_cursor
    poll = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20, after=page.poll_cursor)
    assert poll.items == [] and poll.direction == "after"
    assert poll.next_cursor is None and poll.poll_cursor == page.newest_cursor
    conversation = store.get_conversation(message_group_uuid=message.message_group_uuid)
    replies = []
    for text in ("one", "two", "three"):
        replies.append(store.send_in_conversation(conversation=conversation, sender=BAYKO, text=text))
        conversation = store.get_conversation(message_group_uuid=message.message_group_uuid)
    poll = store.list_messages(message_group_uuid=message.message_group_uuid, limit=2, after=poll.poll_cursor)
    assert [m.uuid for m in poll.items] == [r.uuid for r in replies[:2]]
    assert poll.next_cursor is not None and poll.poll_cursor == poll.next_cursor
    last = store.list_messages(message_group_uuid=message.message_group_uuid, limit=2, after=poll.next_cursor)
    assert [m.uuid for m in last.items] == [replies[2].uuid] and last.next_cursor is None


def test_older_pages_have_no_poll_cursor(store):
    message = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="only")
    older = store.list_messages(message_group_uuid=message.message_group_uuid, limit=20,
                                before=store.list_messages(message_group_uuid=message.message_group_uuid,
                                                           limit=20).newest_cursor)
    assert older.items == [] and older.poll_cursor is None


def test_changes_after_a_time_are_the_conversations_and_messages_stored_since(stepping_store):
    from tests.support.store import LONDO

    store = stepping_store
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="before")
    later = [store.send_to_user(sender=sender, recipient=recipient, text=text) for sender, recipient, text in (
        (BAYKO, ANDREW, "b1"), (LONDO, ANDREW, "l1"), (ANDREW, BAYKO, "b2"))]
    changed = store.groups_changed_after(user_uuid=ANDREW.uuid, after=first.created_at)
    assert {g.uuid for g in changed} == {first.message_group_uuid, later[1].message_group_uuid}
    since = store.messages_after(message_group_uuid=first.message_group_uuid, after=first.created_at)
    assert [m.text for m in since] == ["b1", "b2"]
    assert store.groups_changed_after(user_uuid=ANDREW.uuid, after=later[-1].created_at) == []


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
