"""Editing and deleting your own messages: the rules; `messaging/store/edits.py` does the writing.

Only the sender edits or deletes a message; anyone else, a non-member and an unknown message all get the
same 404. An edit takes the text rules of a send and must come within `MESSAGE_EDIT_WINDOW_SECONDS` of the
sending (on the store's clock); a deleted message cannot be edited; deleting again changes nothing.
"""
import contextlib
import logging
from datetime import timedelta

from django.conf import settings

from messaging import ddb
from messaging.errors import NotFound, ValidationFailed
from messaging.live.publishing import publish_message_deleted, publish_message_updated
from messaging.services import store_errors, user_ref
from messaging.store.edits import EditWindowClosed, MessageDeleted, MessageEdits, MessageNotFound
from messaging.store.errors import StoreError
from messaging.store.models import Message, MessageLookup
from messaging.store.timefmt import parse_time
from messaging.validation import is_uuid, message_errors
from users.models import User

logger = logging.getLogger(__name__)


def edit_window() -> timedelta:
    return timedelta(seconds=settings.MESSAGE_EDIT_WINDOW_SECONDS)


def edit_message(*, author: User, message_group_uuid: str, message_uuid: str, text: object) -> Message:
    """Replace the text of the author's own message; the message as it now is."""
    codes = _path_codes(message_group_uuid=message_group_uuid, message_uuid=message_uuid) + message_errors(text)
    if codes:
        raise ValidationFailed(codes)
    with _edit_errors():
        message = MessageEdits(ddb.get_store()).edit(
            message_group_uuid=message_group_uuid.lower(), message_uuid=message_uuid.lower(),
            author=user_ref(user=author), text=text, window=edit_window())
    members = _members(author=author, message_group_uuid=message.message_group_uuid)
    publish_message_updated(message=message, member_uuids=members)
    return message


def delete_message(*, author: User, message_group_uuid: str, message_uuid: str) -> MessageLookup:
    """Withdraw the author's own message (it stays in the history with empty text); repeating it is harmless."""
    codes = _path_codes(message_group_uuid=message_group_uuid, message_uuid=message_uuid)
    if codes:
        raise ValidationFailed(codes)
    with _edit_errors():
        deleted = MessageEdits(ddb.get_store()).delete(
            message_group_uuid=message_group_uuid.lower(), message_uuid=message_uuid.lower(),
            author=user_ref(user=author))
    members = _members(author=author, message_group_uuid=deleted.message_group_uuid)
    publish_message_deleted(deleted=deleted, member_uuids=members)
    return deleted


def own_message(*, author: User, message_group_uuid: str, message_uuid: str) -> Message:
    """The author's own message as it is now (for the edit and delete pages); 404 for anything else."""
    codes = _path_codes(message_group_uuid=message_group_uuid, message_uuid=message_uuid)
    if codes:
        raise ValidationFailed(codes)
    with _edit_errors():
        return MessageEdits(ddb.get_store()).own_message(
            message_group_uuid=message_group_uuid.lower(), message_uuid=message_uuid.lower(),
            author_uuid=str(author.uuid))


def editable_uuids(*, messages: list[Message], viewer: User) -> frozenset[str]:
    """The messages the pages offer Edit on: the viewer's own, not deleted, still inside the window."""
    now = ddb.get_store().clock()
    return frozenset(message.uuid for message in messages
                     if message.sender.uuid == str(viewer.uuid) and not message.deleted
                     and now - parse_time(message.created_at) <= edit_window())


def _path_codes(*, message_group_uuid: str, message_uuid: str) -> list[str]:
    codes = []
    if not is_uuid(message_group_uuid):
        codes.append("message_group_uuid_invalid")
    if not is_uuid(message_uuid):
        codes.append("message_uuid_invalid")
    return codes


def _members(*, author: User, message_group_uuid: str) -> tuple[str, ...]:
    """Who gets the live event of a stored change, after the commit: from the conversation cache, else one more
    GetItem; if that fails the change stands and streams catch up on their next reload."""
    try:
        conversation = ddb.get_store().get_conversation_of_member(message_group_uuid=message_group_uuid,
                                                                  member_uuid=str(author.uuid))
    except StoreError:
        logger.warning("no live event for the change in %s: its members could not be read", message_group_uuid)
        return ()
    return tuple(member.uuid for member in conversation.members) if conversation else ()


@contextlib.contextmanager
def _edit_errors():
    with store_errors():
        try:
            yield
        except MessageNotFound:
            raise NotFound("no such message of yours") from None
        except EditWindowClosed:
            raise ValidationFailed(["message_edit_window_closed"]) from None
        except MessageDeleted:
            raise ValidationFailed(["message_deleted"]) from None
