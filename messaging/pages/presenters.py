"""Turn the services' dataclasses into what the templates show."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from messaging.live.stream import page_event_id
from messaging.store.models import Message, MessageGroup
from messaging.store.timefmt import parse_time

JUST_NOW = timedelta(minutes=1)


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    now = now or timezone.now()
    if now - moment < JUST_NOW:
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


@dataclass(frozen=True)
class ConversationRow:
    uuid: str
    display_name: str
    handle: str
    last_message: str
    last_message_at: datetime
    last_message_iso: str
    last_message_ago: str
    unread_count: int
    muted: bool


@dataclass(frozen=True)
class MessageRow:
    uuid: str
    display_name: str
    handle: str
    text: str
    sent_at: datetime
    sent_at_iso: str
    mine: bool
    edited: bool = False
    deleted: bool = False
    can_edit: bool = False  # the viewer's own, not deleted, inside the edit window
    edit_url: str | None = None  # the viewer's own messages only, while not deleted
    delete_url: str | None = None
    api_url: str | None = None  # where the page's script edits and deletes it (the JSON API)


def conversation_rows(groups: list[MessageGroup]) -> list[ConversationRow]:
    now = timezone.now()
    return [conversation_row(group, now) for group in groups]


def conversation_row(group: MessageGroup, now: datetime) -> ConversationRow:
    last_message_at = parse_time(group.last_message_at)
    return ConversationRow(
        uuid=group.uuid,
        display_name=group.other.display_name,
        handle=group.other.handle,
        last_message=group.last_message,
        last_message_at=last_message_at,
        last_message_iso=group.last_message_at,
        last_message_ago=time_ago(last_message_at, now),
        unread_count=group.unread_count,
        muted=group.muted,
    )


def message_rows(messages: list[Message], viewer_uuid: str, editable: frozenset[str] = frozenset()) -> list[MessageRow]:
    """`editable`: the uuids of the messages the viewer may still edit."""
    return [message_row(message, viewer_uuid, editable) for message in messages]


def message_row(message: Message, viewer_uuid: str, editable: frozenset[str]) -> MessageRow:
    mine = message.sender.uuid == viewer_uuid
    changeable = mine and not message.deleted
    path = {"message_group_uuid": message.message_group_uuid, "message_uuid": message.uuid}
    return MessageRow(
        uuid=message.uuid,
        display_name=message.sender.display_name,
        handle=message.sender.handle,
        text=message.text,
        sent_at=parse_time(message.created_at),
        sent_at_iso=message.created_at,
        mine=mine,
        edited=message.edited_at is not None,
        deleted=message.deleted,
        can_edit=changeable and message.uuid in editable,
        edit_url=reverse("pages:edit-message", kwargs=path) if changeable else None,
        delete_url=reverse("pages:delete-message", kwargs=path) if changeable else None,
        api_url=reverse("message-item", kwargs=path) if changeable else None,
    )


def send_url() -> str:
    """Where the page's script sends through (the JSON API)."""
    return reverse("message-list")


def poll_url(message_group_uuid: str, newest_cursor: str | None) -> str | None:
    """Where the page's script asks for messages newer than the ones shown (the JSON API)."""
    if newest_cursor is None:
        return None
    path = reverse("message-detail", kwargs={"message_group_uuid": message_group_uuid})
    return f"{path}?{urlencode({'after': newest_cursor})}"


def events_url(*, shown: list[Message]) -> str:
    """Where the page's script opens its event stream: from the moment of this render, the messages shown counted
    as delivered, so a message stored between the render and the stream opening still arrives, and once."""
    path = reverse("events")
    return f"{path}?{urlencode({'last_event_id': page_event_id(now=timezone.now(), shown=shown)})}"
def read_url(message_group_uuid: str) -> str:
    """Where the page's script marks the messages it shows read (the JSON API)."""
    return reverse("message-read", kwargs={"message_group_uuid": message_group_uuid})
