"""The user a verified token names, cached briefly: every API request needs it, and a database
query cost more than the rest of authentication. Saving or deleting a user drops its entries at
once (in every process, once the cache is shared); the lifetime bounds anything missed."""
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from users.models import User

# The fields a token's subject is matched on: local tokens name the uuid, Cognito tokens the sub.
IDENTITY_FIELDS = ("uuid", "cognito_user_id")


def _key(field: str, value) -> str:
    return f"users.lookup:{field}:{value}"


def user_by_identity(field: str, value) -> User | None:
    key = _key(field, value)
    user = cache.get(key)
    if user is None:
        user = User.objects.filter(**{field: value}).first()
        if user is not None:
            cache.set(key, user, settings.AUTH_USER_CACHE_SECONDS)
    return user


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _forget_saved_user(sender, instance: User, **kwargs):
    cache.delete_many([_key(field, getattr(instance, field)) for field in IDENTITY_FIELDS if getattr(instance, field)])
