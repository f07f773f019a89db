"""Users by identity, cached briefly: the user a verified token names (every API request needs it, and a
database query cost more than the rest of authentication), and the users named in a page of conversations
or messages (whose current names every answer shows). Saving or deleting a user drops its entries at
once, under the identity values it had before the save as well as after, in every process when the
cache is shared (Redis); the lifetime bounds anything missed.

An unavailable shared cache is never an error here: the lookup reads the database instead, and an
invalidation that cannot reach the cache is logged (its entries then expire within the lifetime)."""
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from cruddur.shared_cache import cache_unavailable_errors
from users.models import User

logger = logging.getLogger(__name__)

# The fields a token's subject is matched on: local tokens name the uuid, Cognito tokens the sub.
IDENTITY_FIELDS = ("uuid", "cognito_user_id")


def _key(field: str, value) -> str:
    return f"users.lookup:{field}:{value}"


def user_by_identity(field: str, value) -> User | None:
    key = _key(field, value)
    try:
        user = cache.get(key)
    except cache_unavailable_errors() as error:
        logger.warning("user cache unavailable, reading the database: %s", error)
        return User.objects.filter(**{field: value}).first()
    if user is None:
        user = User.objects.filter(**{field: value}).first()
        if user is not None:
            try:
                cache.set(key, user, settings.AUTH_USER_CACHE_SECONDS)
            except cache_unavailable_errors() as error:
                logger.warning("user cache unavailable, %s not cached: %s", key, error)
    return user


def users_by_uuid(uuids: Iterable[str]) -> dict[str, User]:
    """The users of these uuids (text), keyed by the canonical uuid text: one cache read of them all, and one
    query for those not cached. Text that is no uuid, and uuids of no user, are left out."""
    wanted = set()
    for value in uuids:
        try:
            wanted.add(str(uuid.UUID(value)))
        except (TypeError, ValueError):
            continue
    if not wanted:
        return {}
    keys = {_key("uuid", value): value for value in wanted}
    try:
        cached = cache.get_many(keys)
    except cache_unavailable_errors() as error:
        logger.warning("user cache unavailable, reading the database: %s", error)
        return {str(user.uuid): user for user in User.objects.filter(uuid__in=wanted)}
    found = {keys[key]: user for key, user in cached.items()}
    missing = wanted - found.keys()
    if missing:
        loaded = {str(user.uuid): user for user in User.objects.filter(uuid__in=missing)}
        found.update(loaded)
        try:
            cache.set_many({_key("uuid", value): user for value, user in loaded.items()},
                           settings.AUTH_USER_CACHE_SECONDS)
        except cache_unavailable_errors() as error:
            logger.warning("user cache unavailable, %d users not cached: %s", len(loaded), error)
    return found


@receiver(pre_save, sender=User)
def _note_stored_identity(sender, instance: User, update_fields=None, **kwargs):
    """The identity values the row holds before this save: a cleared or changed Cognito id must stop
    resolving at once, so the entries under the old values go too."""
    stored = {}
    if instance.pk is not None and (update_fields is None or set(IDENTITY_FIELDS) & set(update_fields)):
        stored = User.objects.filter(pk=instance.pk).values(*IDENTITY_FIELDS).first() or {}
    instance._identity_before_save = stored


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _forget_saved_user(sender, instance: User, **kwargs):
    current = {field: getattr(instance, field) for field in IDENTITY_FIELDS}
    stored = getattr(instance, "_identity_before_save", {})
    keys = list({_key(field, value) for values in (current, stored) for field, value in values.items() if value})
    try:
        cache.delete_many(keys)
    except cache_unavailable_errors() as error:
        # The change is saved; other processes may serve the cached user until AUTH_USER_CACHE_SECONDS pass.
        logger.error("user cache unavailable, %s not invalidated (expires within %d s): %s",
                     keys, settings.AUTH_USER_CACHE_SECONDS, error)
