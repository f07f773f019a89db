"""Read state: each member's read position, unread count and mute in a conversation, and the one rule of
what counts as unread (the store, `ddb recount` and `ddb check` all use it).

A member's read position is the `created_at` of the newest message they have read; it never moves back.
A message is unread for a member when it is the other member's and later than that position. A
conversation from before read state (the old backend, or this project before it) has no stored state;
its default position is the member's own newest sent message: what they have certainly seen.
"""
from collections.abc import Iterable
from dataclasses import dataclass, replace

NOTHING_READ = ""  # a read position before every message (string order is time order)


@dataclass(frozen=True)
class MemberState:
    last_read_at: str
    unread: int
    muted: bool = False
    # Bumped by every write of this state; sends and other state writes are conditioned on it. None: never
    # written (a conversation item from before read state).
    rev: int | None = None
    hidden: bool = False  # the member blocks the other: the conversation leaves their list and their total

    def written(self, **changes) -> "MemberState":
        """This state with `changes`, as the next write stores it (rev bumped)."""
        return replace(self, **changes, rev=(self.rev or 0) + 1)


def is_unread(*, created_at: str, sender_uuid: str, member_uuid: str, last_read_at: str) -> bool:
    """THE rule: a message is unread for `member_uuid` when the other member sent it after the read position
    (deleted messages are never given to it: they do not count)."""
    return sender_uuid != member_uuid and created_at > last_read_at


def count_unread(messages: Iterable[tuple[str, str]], *, member_uuid: str, last_read_at: str) -> int:
    """How many of `messages` ((created_at, sender uuid) pairs) are unread for the member."""
    return sum(is_unread(created_at=created_at, sender_uuid=sender, member_uuid=member_uuid,
                         last_read_at=last_read_at) for created_at, sender in messages)


def default_read_position(messages: Iterable[tuple[str, str]], *, member_uuid: str) -> str:
    """The read position of a member with no stored state: their own newest sent message (else nothing read)."""
    return max((created_at for created_at, sender in messages if sender == member_uuid), default=NOTHING_READ)


def derived_state(messages: list[tuple[str, str]], *, member_uuid: str, last_read_at: str | None = None,
                  muted: bool = False, rev: int | None = None) -> MemberState:
    """The state the messages say: the given read position (default: `default_read_position`) and its count."""
    position = default_read_position(messages, member_uuid=member_uuid) if last_read_at is None else last_read_at
    return MemberState(position, count_unread(messages, member_uuid=member_uuid, last_read_at=position), muted, rev)


def after_own_send(state: MemberState, *, created_at: str) -> MemberState:
    """The sender has read everything up to the message they sent (the newest)."""
    return state.written(last_read_at=max(state.last_read_at, created_at), unread=0)


def after_received(state: MemberState) -> MemberState:
    return state.written(unread=state.unread + 1)
