"""Plain data the store deals in; no Django, no boto3 types."""
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from messaging.store.read_state import MemberState

T = TypeVar("T")


@dataclass(frozen=True)
class UserRef:
    """A user as DynamoDB items carry them: the uuid plus the handle and name at write time."""

    uuid: str
    handle: str
    display_name: str


@dataclass(frozen=True)
class Message:
    message_group_uuid: str
    uuid: str
    created_at: str  # UTC ISO 8601 with microseconds, e.g. 2026-11-24T12:30:01.123456+00:00
    text: str
    sender: UserRef
    edited_at: str | None = None  # when the sender last edited it; None when never
    deleted: bool = False  # withdrawn by the sender: the item stays, with empty text


@dataclass(frozen=True)
class MessageLookup:
    """Where a message this project stored lives, found by its uuid alone (the lookup item)."""

    message_group_uuid: str
    message_uuid: str
    created_at: str
    sender_uuid: str


@dataclass(frozen=True)
class MessageGroup:
    """One member's view of a conversation: the other member and the last message."""

    uuid: str
    other: UserRef
    last_message: str
    last_message_at: str
    unread_count: int = 0  # absent on the old backend's items: nothing counted yet
    muted: bool = False


@dataclass(frozen=True)
class Conversation:
    message_group_uuid: str
    members: tuple[UserRef, UserRef]
    last_message_at: str
    # Each member's group item `sk` (usually last_message_at; see the store for when it is not).
    group_sks: dict[str, str] = field(default_factory=dict)
    legacy: bool = False  # written by the old backend: no conversation item yet
    # Each member's read state, for the members that have one stored (see read_state.py).
    states: dict[str, MemberState] = field(default_factory=dict)
    # Read from the conversation cache: right about the members, possibly behind on the rest.
    from_cache: bool = False

    @property
    def hidden_for(self) -> frozenset[str]:
        """Members whose list does not show the conversation (they block the other member)."""
        return frozenset(uuid for uuid, state in self.states.items() if state.hidden)

    def member(self, user_uuid: str) -> UserRef | None:
        return next((m for m in self.members if m.uuid == user_uuid), None)

    def other_member(self, user_uuid: str) -> UserRef:
        return next(m for m in self.members if m.uuid != user_uuid)


@dataclass(frozen=True)
class BlockedUser:
    """One block: whom, and when it was stored."""

    uuid: str
    blocked_at: str


@dataclass(frozen=True)
class NamesRefreshReport:
    """What `refresh_names` went through and changed."""

    scanned: int = 0
    group_items_updated: int = 0
    conversations_updated: int = 0
    moved: int = 0  # items a concurrent send re-keyed or changed first: its write carries the names it resolved
    unknown_users: int = 0  # uuids no user has (deleted), once per page of the scan: their stored names stay


@dataclass(frozen=True)
class ReadPosition:
    """A member's read position in a conversation and what is left unread after it."""

    message_group_uuid: str
    last_read_at: str
    unread_count: int


@dataclass(frozen=True)
class UnreadSummary:
    unread_count: int  # over the unmuted conversations
    conversations: int  # unmuted conversations with unread messages


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of items in the order the API returns them.

    `next_cursor` continues in the page's direction when more items exist right now: older items
    for `before` pages (and the first page), newer ones for `after` pages; None when there are no
    more, so a client that follows it always stops. `newest_cursor` is the cursor of the newest
    item on the page (None on an empty page). `poll_cursor` is where the next poll (`after`)
    starts: on the newest page and on `after` pages, the newest item seen (an empty `after` page
    keeps the cursor it was asked with); None on older pages, which do not grow.
    """

    items: list[T]
    next_cursor: str | None
    direction: Literal["before", "after"] = "before"
    newest_cursor: str | None = None
    poll_cursor: str | None = None


@dataclass(frozen=True)
class IdempotencyReceipt:
    """What a send with an Idempotency-Key stores beside the message: the key, and a hash of the request,
    so that a retry (same hash) replays the first result and a reused key (another hash) is refused."""

    key: str
    request_hash: str
