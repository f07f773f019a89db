"""Messaging rules; the API, the pages and the commands call these, and these call the store."""
import contextlib
import hashlib
import json

from django.db.models import Q

from messaging import ddb
from messaging.errors import NotFound, StoreUnavailable, ValidationFailed
from messaging.store.errors import IdempotencyKeyReused, InvalidCursor, StoreConflict, StoreNotFound
from messaging.store.models import Conversation, Message, MessageGroup, Page, UserRef
from messaging.validation import could_be_handle, is_idempotency_key, is_uuid, message_errors, parse_limit
from users.models import User


def user_ref(user: User) -> UserRef:
    return UserRef(str(user.uuid), user.handle, user.display_name)


def send_message(sender: User, text, handle=None, message_group_uuid=None, idempotency_key=None) -> Message:
    """Continue `message_group_uuid`, or else start or continue the conversation with `handle`.

    Mirrors the old backend: a present `message_group_uuid` (even blank) means "continue".
    """
    codes = []
    if message_group_uuid is not None:
        if not isinstance(message_group_uuid, str) or not message_group_uuid.strip():
            codes.append("message_group_uuid_blank")
        elif not is_uuid(message_group_uuid):
            codes.append("message_group_uuid_invalid")
    elif not isinstance(handle, str) or not handle.strip().lstrip("@"):
        codes.append("user_reciever_handle_blank")
    codes += message_errors(text)
    if idempotency_key is not None and not is_idempotency_key(idempotency_key):
        codes.append("idempotency_key_invalid")
    recipient = None
    if not codes and message_group_uuid is None:
        recipient = _active_user(handle.strip().lstrip("@"))
        if recipient is None:
            codes.append("user_reciever_handle_not_found")
        elif recipient.pk == sender.pk:
            codes.append("message_to_self")
    if codes:
        raise ValidationFailed(codes)

    store = ddb.get_store()
    target = str(recipient.uuid) if recipient else message_group_uuid
    request_hash = hashlib.sha256(json.dumps([target, text]).encode()).hexdigest()
    with _store_errors():
        if recipient is not None:
            return store.send_to_user(user_ref(sender), user_ref(recipient), text, idempotency_key, request_hash)
        conversation = _conversation_of(sender, message_group_uuid)
        return store.send_in_conversation(conversation, user_ref(sender), text, idempotency_key, request_hash)


def list_message_groups(user: User, limit=None, before=None, after=None) -> Page[MessageGroup]:
    """The user's conversations, newest first."""
    page_size = _page_size(limit, before, after)
    with _store_errors():
        return ddb.get_store().list_groups(str(user.uuid), page_size, before or None, after or None)


def list_messages(user: User, message_group_uuid, limit=None, before=None, after=None) -> Page[Message]:
    """A page of a conversation the user is a member of, oldest first; the newest page by default."""
    return read_conversation(user, message_group_uuid, limit, before, after)[1]


def read_conversation(user: User, message_group_uuid, limit=None, before=None,
                      after=None) -> tuple[Conversation, Page[Message]]:
    """The conversation (members, last message time) and a page of it, for a member only."""
    if not is_uuid(message_group_uuid):
        raise ValidationFailed(["message_group_uuid_invalid"])
    page_size = _page_size(limit, before, after)
    with _store_errors():
        conversation = _conversation_of(user, message_group_uuid)
        page = ddb.get_store().list_messages(conversation.uuid, page_size, before or None, after or None)
    return conversation, page


def user_short(handle: str) -> User:
    user = _active_user(handle.lstrip("@"))
    if user is None:
        raise NotFound(f"no user @{handle}")
    return user


def search_users(query: str, limit: int = 20) -> list[User]:
    """Active users whose handle or display name contains `query` (case-insensitive)."""
    query = query.strip().lstrip("@")
    if not query:
        return []
    matches = Q(handle__icontains=query) | Q(display_name__icontains=query)
    return list(User.objects.filter(matches, is_active=True).order_by("handle")[:limit])


def _active_user(handle: str) -> User | None:
    """The active user of `handle` in any case; None, without asking the database, for text no handle can be."""
    if not could_be_handle(handle):
        return None
    return User.objects.filter(handle__iexact=handle, is_active=True).first()


def _conversation_of(user: User, message_group_uuid: str) -> Conversation:
    conversation = ddb.get_store().get_conversation_of_member(message_group_uuid.lower(), str(user.uuid))
    if conversation is None:
        raise NotFound("no such conversation")
    return conversation


def _page_size(limit, before, after) -> int:
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
def _store_errors():
    """Store failures as the services' errors: bad input is 422, everything else is "try later"."""
    try:
        yield
    except InvalidCursor:
        raise ValidationFailed(["cursor_invalid"]) from None
    except IdempotencyKeyReused:
        raise ValidationFailed(["idempotency_key_reused"]) from None
    except (StoreConflict, StoreNotFound) as error:
        raise StoreUnavailable(str(error)) from error
