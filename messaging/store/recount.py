"""`manage.py ddb recount`: set every member's read state from the messages, for conversations whose counts
were never kept (from before read state) or went wrong (messages written by something that does not count:
the old backend, scripts).

Safe to repeat (a state that matches its messages is not written) and to stop and run again (conversations in
uuid order, `after` resumes past one), and safe against concurrent sends: each write is conditioned on the
conversation's `last_message_at` and the member's `rev` as read, so a send in between makes it count again.
A member's read position is kept; one that has none gets the default (read_state.default_read_position).
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from messaging.store import items, read_state
from messaging.store.errors import StoreConflict
from messaging.store.models import Conversation
from messaging.store.store import MessageStore

logger = logging.getLogger(__name__)

ATTEMPTS = 20  # per conversation, against concurrent sends


@dataclass
class RecountReport:
    conversations: int = 0
    states_written: int = 0
    states_unchanged: int = 0
    changes: list[str] = field(default_factory=list)  # one line per state written
    last_conversation: str | None = None  # where `after` resumes


def conversation_uuids(store: MessageStore, *, after: str | None = None) -> list[str]:
    """The uuids of every conversation item, in order, past `after`."""
    found = []
    for page in store.table.pages("scan", FilterExpression="begins_with(pk, :conv)",
                                  ExpressionAttributeValues={":conv": items.S("CONV#")}, ProjectionExpression="pk",
                                  ConsistentRead=True):
        found += [items.text(item, "pk").removeprefix("CONV#") for item in page.get("Items", [])]
    return sorted(uuid for uuid in found if after is None or uuid > after)


def recount(store: MessageStore, *, after: str | None = None,
            progress: Callable[[RecountReport], None] | None = None) -> RecountReport:
    report = RecountReport()
    for message_group_uuid in conversation_uuids(store, after=after):
        _recount_conversation(store, message_group_uuid, report)
        report.conversations += 1
        report.last_conversation = message_group_uuid
        if progress is not None:
            progress(report)
    return report


def _recount_conversation(store: MessageStore, message_group_uuid: str, report: RecountReport) -> None:
    written: set[str] = set()
    for _ in range(ATTEMPTS):
        conversation = store.get_conversation(message_group_uuid=message_group_uuid)
        if conversation is None:
            return  # removed since the scan
        messages = list(store.message_senders(message_group_uuid=message_group_uuid))
        pending = [(member.uuid, state) for member in conversation.members
                   if (state := _needed(store, conversation, messages, member.uuid)) is not None]
        if not pending:
            report.states_unchanged += len({member.uuid for member in conversation.members} - written)
            return
        member_uuid, state = pending[0]
        if store.store_member_state(conversation=conversation, member_uuid=member_uuid, state=state):
            stored = conversation.states.get(member_uuid)
            was = f"{stored.unread} unread after {stored.last_read_at or 'nothing'}" if stored else "no state"
            report.changes.append(f"{message_group_uuid} {member_uuid}: {was} -> "
                                  f"{state.unread} unread after {state.last_read_at or 'nothing'}")
            report.states_written += 1
            written.add(member_uuid)
        # Written or lost to a concurrent write: read the conversation again for the next member.
    raise StoreConflict(f"conversation {message_group_uuid} kept changing; run recount again")


def _needed(store: MessageStore, conversation: Conversation, messages: list[tuple[str, str]],
            member_uuid: str) -> read_state.MemberState | None:
    """The state to write for the member, or None when the stored one and its group item copy are right."""
    stored = conversation.states.get(member_uuid)
    position = stored.last_read_at if stored else None
    right = read_state.derived_state(messages, member_uuid=member_uuid, last_read_at=position,
                                     muted=stored.muted if stored else False, rev=stored.rev if stored else None)
    group_item = store.table.get(items.key(items.group_pk(member_uuid), conversation.group_sks[member_uuid]))
    copied = group_item is not None and all(group_item.get(name) == value for name, value
                                            in items.group_state_attributes(right).items())
    if stored == right and copied:
        return None
    return right.written()
