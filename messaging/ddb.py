"""The process-wide DynamoDB client and store, built once from the Django settings."""
import contextlib
import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from messaging.conversation_cache import SharedConversationCache
from messaging.devtools import ddb_call_counter
from messaging.store.client import ClientSettings, make_client
from messaging.store.store import MessageStore

_DDB_SETTINGS = {
    "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "DDB_MESSAGE_TABLE", "DDB_CONNECT_TIMEOUT",
    "DDB_READ_TIMEOUT", "DDB_MAX_ATTEMPTS", "MESSAGING_GROUP_UPDATES", "CONVERSATION_CACHE_SHARED",
}


_operator_work = False  # True inside operator_limits()


def client_settings() -> ClientSettings:
    """The web requests' client limits (their DynamoDB deadline); inside operator_limits(), ClientSettings' own."""
    if _operator_work:
        return ClientSettings(region=settings.AWS_DEFAULT_REGION, endpoint_url=settings.AWS_ENDPOINT_URL)
    return ClientSettings(
        region=settings.AWS_DEFAULT_REGION,
        endpoint_url=settings.AWS_ENDPOINT_URL,
        connect_timeout=settings.DDB_CONNECT_TIMEOUT,
        read_timeout=settings.DDB_READ_TIMEOUT,
        max_attempts=settings.DDB_MAX_ATTEMPTS,
    )


@contextlib.contextmanager
def operator_limits():
    """For a management command: no one waits at a screen, and a cold DynamoDB Local takes seconds to create a
    table, so the client gets ClientSettings' generous limits instead of a web request's deadline."""
    global _operator_work
    _operator_work = True
    reset()
    try:
        yield
    finally:
        _operator_work = False
        reset()


@functools.cache
def get_client():
    return ddb_call_counter.install(make_client(client_settings()))


def table_name() -> str:
    return settings.DDB_MESSAGE_TABLE


def reset() -> None:
    """Forget the cached client and store so the next call follows the current settings."""
    get_client.cache_clear()
    get_store.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_change(setting, **kwargs):
    if setting in _DDB_SETTINGS:
        reset()


@functools.cache
def get_store() -> MessageStore:
    return MessageStore(get_client(), settings.DDB_MESSAGE_TABLE, group_updates=settings.MESSAGING_GROUP_UPDATES,
                        conversation_cache=SharedConversationCache())
