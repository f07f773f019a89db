"""Store-level test people, a controllable clock, and tables written as the old backend wrote them."""
import itertools
import uuid
from datetime import UTC, datetime, timedelta

from messaging.store import items
from messaging.store.models import Message, UserRef
from messaging.store.store import MessageStore

ANDREW = UserRef("11111111-1111-4111-8111-111111111111", "andrewbrown", "Andrew Brown")
BAYKO = UserRef("22222222-2222-4222-8222-222222222222", "bayko", "Andrew Bayko")
LONDO = UserRef("33333333-3333-4333-8333-333333333333", "londo", "Londo Mollari")


class SteppingClock:
    """A clock that moves one millisecond per reading, so tests control time exactly."""

    def __init__(self, start=datetime(2026, 11, 24, 12, 0, tzinfo=UTC)):
        self._ticks = itertools.count()
        self.start = start

    def __call__(self):
        return self.start + timedelta(milliseconds=next(self._ticks))


def write_old_backend_items(client, table, a: UserRef, b: UserRef, texts: list[str],
                            start: str = "2025-06-01T10:00:00.000000+00:00") -> str:
    """Exactly what the old Flask backend's create_message_group/create_message wrote; returns the group uuid."""
    group = str(uuid.uuid4())
    times = [start[:17] + f"{n:02d}" + start[19:] for n in range(len(texts))]
    for text, at, sender in zip(texts, times, [a, b] * len(texts), strict=False):
        client.put_item(TableName=table, Item=items.message_item(Message(group, str(uuid.uuid4()), at, text, sender)))
    for owner, other in ((a, b), (b, a)):
        client.put_item(TableName=table, Item=items.group_item(owner.uuid, times[-1], group, other, texts[-1]))
    return group


def write_old_backend_conversation(store: MessageStore, a, b, texts, start="2025-06-01T10:00:00.000000+00:00"):
    return write_old_backend_items(store.client, store.table_name, a, b, texts, start)


def forget_backfill(client, table) -> None:
    """Make a table this project created look like one the old backend wrote: not backfilled."""
    client.delete_item(TableName=table, Key=items.BACKFILL_MARK_KEY)


def old_table(store: MessageStore) -> MessageStore:
    """The store on a table without the backfill mark, as the old backend left it."""
    forget_backfill(store.client, store.table_name)
    return MessageStore(store.client, store.table_name, clock=store.clock)


class DictCache:
    """The store's ConversationCache protocol over a dict: what one process's view of the cache holds."""

    def __init__(self, *, shared: bool = True):
        self.items: dict[str, dict] = {}
        self.shared = shared

    def get(self, message_group_uuid):
        return self.items.get(message_group_uuid)

    def set(self, message_group_uuid, item):
        self.items[message_group_uuid] = item


def continue_as(store: MessageStore, sender: UserRef, message_group_uuid: str, text: str) -> Message:
    """A member's send into their conversation, as the service makes it: membership, then the send."""
    conversation = store.get_conversation_of_member(message_group_uuid=message_group_uuid, member_uuid=sender.uuid)
    return store.send_in_conversation(conversation=conversation, sender=sender, text=text)


def another_process(store: MessageStore, **settings) -> MessageStore:
    """The same table as another process sees it: a store of its own (its own turns: store/turns.py), so its
    writes race this store's rather than waiting for them."""
    return MessageStore(store.client, store.table_name, clock=store.clock,
                        retry_deadline_seconds=store.retry_deadline_seconds, **settings)


class SettableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now=datetime(2026, 11, 24, 12, 0, tzinfo=UTC)):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def all_messages(store: MessageStore, message_group_uuid: str) -> list[Message]:
    """Every message of a conversation, oldest first, through the store's own pages."""
    found, cursor = [], None
    while True:
        page = store.list_messages(message_group_uuid=message_group_uuid, limit=100, before=cursor)
        found = page.items + found
        if not page.next_cursor:
            return found
        cursor = page.next_cursor


def expected_unread(messages: list[Message], member_uuid: str, last_read_at: str) -> int:
    """Counted here from the messages, independently of the store: the other member's after the position."""
    return len([m for m in messages if m.sender.uuid != member_uuid and m.created_at > last_read_at])


def group_of(store: MessageStore, owner_uuid: str, message_group_uuid: str):
    """The owner's listed conversation (their group item) for the message group."""
    [group] = [g for g in store.list_groups(user_uuid=owner_uuid, limit=100).items if g.uuid == message_group_uuid]
    return group
