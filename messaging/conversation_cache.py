"""Conversations by uuid in the shared cache (Redis in a fleet, local memory otherwise), so a member's read of
a conversation needs no GetItem and, with Redis, a continued send is one transaction.

Never the authority for a write: every send and member-state write is conditioned on the conversation's
`last_message_at` and the members' `rev`s, so a stale entry costs one cancelled transaction, which returns the
item as it now is. An entry is always right about who may read: the two members never change.

An unavailable cache is a miss. After a failure the cache is left alone for a second, so a hanging Redis costs
this cache one timeout a second per process, not one per call (the failure is logged)."""
import logging
import time

from django.conf import settings
from django.core.cache import cache

from cruddur.shared_cache import cache_unavailable_errors

logger = logging.getLogger(__name__)

PAUSE_AFTER_FAILURE_SECONDS = 1.0


def _key(message_group_uuid: str) -> str:
    return f"messaging.conversation:{message_group_uuid}"


class SharedConversationCache:
    """The store's ConversationCache on Django's default cache: the conversation item as DynamoDB holds it."""

    def __init__(self) -> None:
        self._paused_until = 0.0
        self.shared = settings.CONVERSATION_CACHE_SHARED

    def get(self, message_group_uuid: str) -> dict | None:
        if time.monotonic() < self._paused_until:
            return None
        try:
            return cache.get(_key(message_group_uuid))
        except cache_unavailable_errors() as error:
            self._pause("read", error)
            return None

    def set(self, message_group_uuid: str, item: dict) -> None:
        if time.monotonic() < self._paused_until:
            return
        try:
            cache.set(_key(message_group_uuid), item, settings.CONVERSATION_CACHE_SECONDS)
        except cache_unavailable_errors() as error:
            self._pause("write", error)

    def _pause(self, what: str, error: Exception) -> None:
        logger.warning("conversation cache unavailable (%s), reading DynamoDB: %s", what, error)
        self._paused_until = time.monotonic() + PAUSE_AFTER_FAILURE_SECONDS
