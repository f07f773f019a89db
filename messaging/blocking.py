"""Blocking rules: who may block whom, the answers, and keeping the admin's record in step with DynamoDB.

The DynamoDB block items are the authority (sends check them in their own transaction); the ORM `Block`
rows are the record staff list, search and remove in Django admin. Every change writes DynamoDB first,
then the row, so an interrupted change is repaired by repeating it (both writes are idempotent).

Idempotent answers: blocking someone already blocked and unblocking someone not blocked change nothing and
answer 200 as if they had. Refusals: yourself is 422 `block_self`; a handle of no (active, for blocking) user
is 404, as `GET /api/users/@<handle>/short` answers it.
"""
import logging

from messaging import ddb
from messaging.errors import NotFound, ValidationFailed
from messaging.models import Block
from messaging.services import store_errors
from users import selectors
from users.models import User

logger = logging.getLogger(__name__)


def block_user(*, blocker: User, handle: str) -> User:
    """Block the active user of `handle`; returns them."""
    blocked = selectors.user_short(handle=handle)
    if blocked.pk == blocker.pk:
        raise ValidationFailed(["block_self"])
    with store_errors():
        ddb.get_store().block(blocker_uuid=str(blocker.uuid), blocked_uuid=str(blocked.uuid))
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    logger.info("@%s blocks @%s", blocker.handle, blocked.handle)
    return blocked


def unblock_user(*, blocker: User, handle: str) -> User:
    """Lift the block of the user of `handle` (deactivated users too: they stay unblockable); returns them."""
    blocked = User.objects.with_handle(handle.lstrip("@")).first()
    if blocked is None:
        raise NotFound(f"no user @{handle}")
    if blocked.pk == blocker.pk:
        raise ValidationFailed(["block_self"])
    _remove(blocker=blocker, blocked=blocked)
    return blocked


def remove_block(*, block: Block) -> None:
    """Staff removing a block in the admin: the same removal as the blocker's unblock."""
    _remove(blocker=block.blocker, blocked=block.blocked)


def _remove(*, blocker: User, blocked: User) -> None:
    with store_errors():
        ddb.get_store().unblock(blocker_uuid=str(blocker.uuid), blocked_uuid=str(blocked.uuid))
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    logger.info("@%s unblocks @%s", blocker.handle, blocked.handle)


def blocked_users(*, blocker: User) -> list[User]:
    """Everyone `blocker` blocks, by handle, as DynamoDB (the authority) has it: one Query, one user lookup."""
    with store_errors():
        blocked = ddb.get_store().list_blocked(blocker_uuid=str(blocker.uuid))
    users = selectors.users_by_uuids(uuids={entry.uuid for entry in blocked})
    return sorted(users.values(), key=lambda user: user.handle.lower())


def blocked_among(*, blocker: User, uuids: set[str]) -> set[str]:
    """Those of the users of `uuids` whom `blocker` blocks, by the admin's record (one query): for showing
    Block or Unblock on a page; sends are checked against DynamoDB."""
    blocked = Block.objects.filter(blocker=blocker, blocked__uuid__in=uuids).values_list("blocked__uuid", flat=True)
    return {str(uuid) for uuid in blocked}
