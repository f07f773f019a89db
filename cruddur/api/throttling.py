"""Throttles beyond DRF's stock ones that any endpoint may use. Their counters live in the default cache,
shared by every process when it is Redis; a request rate is a guard against overuse, not a security
boundary, so these let a request through when that cache is unavailable."""
import logging

from rest_framework import throttling

from cruddur.shared_cache import cache_unavailable_errors

logger = logging.getLogger(__name__)


class FailOpenThrottleMixin:
    """An unavailable cache lets the request through (and says so in the log) rather than refusing every
    request of every user."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except cache_unavailable_errors() as error:
            logger.warning("throttle %r not applied, the shared cache is unavailable: %s", self.scope, error)
            return True


class ClientIPKeyMixin:
    """Every request counts against its client IP, signed in or not, so fresh tokens buy no extra rate."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ClientIPRateThrottle(FailOpenThrottleMixin, ClientIPKeyMixin, throttling.SimpleRateThrottle):
    scope = "ip"


class UserRateThrottle(FailOpenThrottleMixin, throttling.UserRateThrottle):
    """DRF's per-user rate (anonymous requests by address), failing open."""
