"""Finding users: by handle (as the API and the pages name them) and by a search of handles and names."""
from django.db.models import Q

from cruddur.api.errors import NotFound
from users.lookup import users_by_uuid
from users.models import User

SEARCH_LIMIT = 20


def active_user_by_handle(*, handle: str) -> User | None:
    """The active user of `handle` in any case; None, without asking the database, for text no handle can be."""
    return User.objects.with_handle(handle).filter(is_active=True).first()


def user_short(*, handle: str) -> User:
    """The active user of `handle` (with or without its @); NotFound otherwise."""
    user = active_user_by_handle(handle=handle.lstrip("@"))
    if user is None:
        raise NotFound(f"no user @{handle}")
    return user


def search_users(*, query: str, limit: int = SEARCH_LIMIT) -> list[User]:
    """Active users whose handle or display name contains `query` (case-insensitive)."""
    query = query.strip().lstrip("@")
    if not query:
        return []
    matches = Q(handle__icontains=query) | Q(display_name__icontains=query)
    return list(User.objects.filter(matches, is_active=True).order_by("handle")[:limit])


def users_by_uuids(*, uuids: set[str]) -> dict[str, User]:
    """The users of these uuids (inactive ones too: their names still label old conversations), keyed by uuid
    text, as they are now: renames show from the first request after the save, on every process."""
    return users_by_uuid(uuids)
