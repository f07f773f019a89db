"""Messaging rules; the API, the pages and the commands call these, and these call the store."""
import contextlib
import hashlib
import json
from dataclasses import replace

from messaging import ddb
from messaging.errors import MessagesUnavailable, NotFound, ValidationFailed
from messaging.live.publishing import publish_message
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
from messaging.store.models import Conversation, IdempotencyReceipt, Message, MessageGroup, Page, UserRef
from messaging.validation import is_idempotency_key, is_uuid, message_errors, parse_limit
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
