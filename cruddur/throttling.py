"""Throttles beyond DRF's stock ones, for the API and the login pages. Their counters live in the default cache,
shared by every process when it is Redis; what each does when that cache is unavailable is its own decision."""
import logging

from rest_framework import throttling

from cruddur.api_exceptions import ServiceUnavailable
from cruddur.shared_cache import cache_unavailable_errors

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the password budget cannot be checked.
LOGIN_BUDGET_RETRY_AFTER = 5


class LoginBudgetUnavailable(ServiceUnavailable):
    default_detail = "Cannot check the login attempt budget right now, try again later."


class FailOpenThrottleMixin:
    """A request rate is a guard against overuse, not a security boundary: an unavailable cache lets the request
    through (and says so in the log) rather than refusing every request of every user."""

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


class LoginRateThrottle(ClientIPKeyMixin, throttling.SimpleRateThrottle):
    """Password guesses per client address, for the token endpoint and both login pages alike: one budget,
    since a second door would otherwise double the guesses. Works on a plain Django request as well as a DRF one.

    Fails closed: with the cache unavailable no password is checked (503 with Retry-After), since a budget that
    is not counted is no budget."""

    scope = "auth_token"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except cache_unavailable_errors() as error:
            logger.error("login refused, the password budget cannot be checked: %s", error)
            raise LoginBudgetUnavailable(retry_after=LOGIN_BUDGET_RETRY_AFTER) from error
