"""Current names: the items carry the handle and name a user had when they were written; what the API and
the pages show is the user's handle and name now, looked up by uuid (the identity; a stored handle never is).

One batched, cached lookup per answer (users.selectors.users_by_uuids); a uuid of no user keeps its stored
names."""
from dataclasses import replace

from messaging import ddb
from messaging.errors import NotFound
from messaging.store.models import Conversation, Message, MessageGroup, NamesRefreshReport, UserRef
from messaging.store.name_refresh import ProgressReporter
from users import selectors
from users.models import User


def current_refs(*, uuids: set[str]) -> dict[str, UserRef]:
    users = selectors.users_by_uuids(uuids=uuids)
    return {uuid: UserRef(uuid, user.handle, user.display_name) for uuid, user in users.items()}


def _current(ref: UserRef, current: dict[str, UserRef]) -> UserRef:
    return current.get(ref.uuid, ref)


def groups_with_current_names(*, groups: list[MessageGroup]) -> list[MessageGroup]:
    current = current_refs(uuids={group.other.uuid for group in groups})
    return [replace(group, other=_current(group.other, current)) for group in groups]


def conversation_with_current_names(*, conversation: Conversation,
                                    messages: list[Message] = ()) -> tuple[Conversation, list[Message]]:
    """The conversation's members and these messages' senders as they are now, from one lookup."""
    current = current_refs(uuids={m.uuid for m in conversation.members} | {m.sender.uuid for m in messages})
    members = tuple(_current(member, current) for member in conversation.members)
    return (replace(conversation, members=members),
            [replace(message, sender=_current(message.sender, current)) for message in messages])


def refresh_stored_names(*, handle: str | None = None,
                         progress: ProgressReporter | None = None) -> NamesRefreshReport:
    """Rewrite the names copied into the table's group and conversation items to the users' current ones (all
    users, or the user of `handle`); see messaging/store/name_refresh.py for its safety with concurrent sends."""
    only_user_uuid = None
    if handle is not None:
        user = User.objects.with_handle(handle.lstrip("@")).first()
        if user is None:
            raise NotFound(f"no user @{handle.lstrip('@')}")
        only_user_uuid = str(user.uuid)
    return ddb.get_store().refresh_names(resolve=lambda uuids: current_refs(uuids=uuids),
                                         only_user_uuid=only_user_uuid, progress=progress)
