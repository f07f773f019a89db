"""Messaging rules; the API, the pages and the commands call these, and these call the store."""
import contextlib
import hashlib
import json
from dataclasses import replace

from messaging import ddb
from messaging.errors import MessagesUnavailable, NotFound, ValidationFailed
from messaging.live.publishing import publish_message, publish_read
from messaging.names import conversation_with_current_names, groups_with_current_names
from messaging.recipients import InConversation, Recipient, ToHandle
from messaging.store.errors import (
    IdempotencyKeyReused,
    InvalidCursor,
    RecipientUnavailable,
    StoreConflict,
    StoreNotFound,
    StoreUnavailable,
)
from messaging.store.models import (
    Conversation,
    IdempotencyReceipt,
    Message,
    MessageGroup,
    Page,
    ReadPosition,
    UnreadSummary,
    UserRef,
)
from messaging.validation import is_idempotency_key, is_uuid, message_errors, parse_limit, parse_read_position
from users.models import User
from users.selectors import active_user_by_handle


def user_ref(*, user: User) -> UserRef:
    return UserRef(str(user.uuid), user.handle, user.display_name)


def send_message(*, sender: User, text: object, to: Recipient, idempotency_key: str | None = None) -> Message:
    """Send `text` (the raw JSON value: a non-string is refused with a code) to `to`.

    Every problem with the input comes back at once, as the old backend's codes in its order:
    recipient, text, idempotency key; the recipient is looked up only for otherwise valid input.
    """
    codes = []
    match to:
        case InConversation(message_group_uuid=message_group_uuid):
            if not message_group_uuid.strip():
                codes.append("message_group_uuid_blank")
            elif not is_uuid(message_group_uuid):
                codes.append("message_group_uuid_invalid")
        case ToHandle(handle=handle):
            if not handle.strip().lstrip("@"):
                codes.append("user_reciever_handle_blank")
    codes += message_errors(text)
    if idempotency_key is not None and not is_idempotency_key(idempotency_key):
        codes.append("idempotency_key_invalid")
    recipient = None
    if not codes and isinstance(to, ToHandle):
        recipient = active_user_by_handle(handle=to.handle.strip().lstrip("@"))
        if recipient is None:
            codes.append("user_reciever_handle_not_found")
        elif recipient.pk == sender.pk:
            codes.append("message_to_self")
    if codes:
        raise ValidationFailed(codes)

    store = ddb.get_store()
    target = str(recipient.uuid) if recipient else to.message_group_uuid
    receipt = _receipt(idempotency_key=idempotency_key, target=target, text=text)
    with store_errors():
        if recipient is not None:
            message = store.send_to_user(sender=user_ref(user=sender), recipient=user_ref(user=recipient), text=text,
                                         receipt=receipt)
            members = (str(sender.uuid), str(recipient.uuid))
        else:
            conversation = _conversation_of(user=sender, message_group_uuid=to.message_group_uuid)
            # The send copies the members' names into the items it writes: their names now, not the stored ones.
            conversation, _ = conversation_with_current_names(conversation=conversation)
            message = store.send_in_conversation(conversation=conversation, sender=user_ref(user=sender), text=text,
                                                 receipt=receipt)
            members = tuple(member.uuid for member in conversation.members)
    # After the commit, here only (the API, the pages and the commands all send through this function); a replayed
    # send publishes again, and a stream that delivered it already drops it by its uuid.
    publish_message(message=message, member_uuids=members)
    return message


def _receipt(*, idempotency_key: str | None, target: str, text: str) -> IdempotencyReceipt | None:
    """The key with a hash of what it sends, so a reused key with another message is told apart from a retry."""
    if idempotency_key is None:
        return None
    request_hash = hashlib.sha256(json.dumps([target, text]).encode()).hexdigest()
    return IdempotencyReceipt(key=idempotency_key, request_hash=request_hash)


# Paging arguments are the raw query-string values (None when absent); the rules answer with codes.

def list_message_groups(*, user: User, limit: str | None = None, before: str | None = None,
                        after: str | None = None) -> Page[MessageGroup]:
    """The user's conversations, newest first, with the other members' current names; conversations the user
    hid by blocking the other member are left out."""
    page_size = _page_size(limit=limit, before=before, after=after)
    with store_errors():
        page = ddb.get_store().list_groups(user_uuid=str(user.uuid), limit=page_size, before=before or None,
                                           after=after or None)
    return replace(page, items=groups_with_current_names(groups=page.items))


def list_messages(*, user: User, message_group_uuid: str, limit: str | None = None, before: str | None = None,
                  after: str | None = None) -> Page[Message]:
    """A page of a conversation the user is a member of, oldest first; the newest page by default."""
    return read_conversation(user=user, message_group_uuid=message_group_uuid, limit=limit, before=before,
                             after=after)[1]


def read_conversation(*, user: User, message_group_uuid: str, limit: str | None = None, before: str | None = None,
                      after: str | None = None) -> tuple[Conversation, Page[Message]]:
    """The conversation (members, last message time) and a page of it, for a member only; members and
    senders with their current names."""
    if not is_uuid(message_group_uuid):
        raise ValidationFailed(["message_group_uuid_invalid"])
    page_size = _page_size(limit=limit, before=before, after=after)
    with store_errors():
        conversation = _conversation_of(user=user, message_group_uuid=message_group_uuid)
        page = ddb.get_store().list_messages(message_group_uuid=conversation.message_group_uuid, limit=page_size,
                                             before=before or None, after=after or None)
    conversation, messages = conversation_with_current_names(conversation=conversation, messages=page.items)
    return conversation, replace(page, items=messages)


def unread_summary(*, user: User) -> UnreadSummary:
    """The user's unread total over unmuted conversations, and how many of them have unread messages."""
    with store_errors():
        return ddb.get_store().unread_summary(user_uuid=str(user.uuid))


def mark_read(*, user: User, message_group_uuid: str, up_to: object = None) -> ReadPosition:
    """Move the user's read position forward to `up_to` (the raw JSON value; default: the newest message)."""
    codes = [] if is_uuid(message_group_uuid) else ["message_group_uuid_invalid"]
    try:
        position = parse_read_position(up_to)
    except ValueError:
        codes.append("up_to_invalid")
    if codes:
        raise ValidationFailed(codes)
    with store_errors():
        conversation = _conversation_of(user=user, message_group_uuid=message_group_uuid)
        read = ddb.get_store().mark_read(conversation=conversation, member_uuid=str(user.uuid), up_to=position)
    _publish_if_moved(user=user, conversation=conversation, read=read)
    return read


def mark_shown_read(*, user: User, conversation: Conversation, newest_shown: str) -> ReadPosition:
    """The pages: the user saw the conversation up to `newest_shown` (a stored message time); no extra read."""
    with store_errors():
        read = ddb.get_store().mark_read(conversation=conversation, member_uuid=str(user.uuid), up_to=newest_shown)
    _publish_if_moved(user=user, conversation=conversation, read=read)
    return read


def set_muted(*, user: User, message_group_uuid: str, muted: bool) -> bool:
    """Mute or unmute a conversation of the user's: it keeps its own count but adds nothing to the total."""
    if not is_uuid(message_group_uuid):
        raise ValidationFailed(["message_group_uuid_invalid"])
    with store_errors():
        conversation = _conversation_of(user=user, message_group_uuid=message_group_uuid)
        state = ddb.get_store().set_muted(conversation=conversation, member_uuid=str(user.uuid), muted=muted)
    before = conversation.states.get(str(user.uuid))
    if before is None or before.muted != state.muted:
        _publish_counts(user=user, message_group_uuid=conversation.message_group_uuid, unread_count=state.unread)
    return state.muted


def _publish_if_moved(*, user: User, conversation: Conversation, read: ReadPosition) -> None:
    before = conversation.states.get(str(user.uuid))
    if before is None or (before.last_read_at, before.unread) != (read.last_read_at, read.unread_count):
        _publish_counts(user=user, message_group_uuid=read.message_group_uuid, unread_count=read.unread_count)


def _publish_counts(*, user: User, message_group_uuid: str, unread_count: int) -> None:
    """After a committed change of the user's counts (a read, a mute): a `read` event to their streams, so their
    other tabs and devices follow (each stream adds the total)."""
    publish_read(user_uuid=str(user.uuid), message_group_uuid=message_group_uuid, unread_count=unread_count)


def _conversation_of(*, user: User, message_group_uuid: str) -> Conversation:
    conversation = ddb.get_store().get_conversation_of_member(message_group_uuid=message_group_uuid.lower(),
                                                              member_uuid=str(user.uuid))
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


def _page_size(*, limit: str | None, before: str | None, after: str | None) -> int:
    codes = []
    try:
        page_size = parse_limit(limit)
    except (TypeError, ValueError):
        codes.append("limit_invalid")
    if before and after:
        codes.append("cursor_invalid")
    if codes:
        raise ValidationFailed(codes)
    return page_size


@contextlib.contextmanager
def store_errors():
    """Store failures as the services' errors: bad input is 422, everything else is "try later"."""
    try:
        yield
    except RecipientUnavailable:
        # One code for every reason: a blocked sender cannot tell a block from any other unavailability.
        raise ValidationFailed(["message_recipient_unavailable"]) from None
    except InvalidCursor:
        raise ValidationFailed(["cursor_invalid"]) from None
    except IdempotencyKeyReused:
        raise ValidationFailed(["idempotency_key_reused"]) from None
    except StoreUnavailable as error:
        raise MessagesUnavailable(str(error), retry_after=error.retry_after) from error
    except (StoreConflict, StoreNotFound) as error:
        raise MessagesUnavailable(str(error)) from error
