"""The budget of password guesses: a users concern, shared by the token endpoint and the login pages."""
import logging

from rest_framework import throttling

from cruddur.api.errors import ServiceUnavailable
from cruddur.api.throttling import ClientIPKeyMixin
from cruddur.shared_cache import cache_unavailable_errors

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the password budget cannot be checked.
LOGIN_BUDGET_RETRY_AFTER = 5


class LoginBudgetUnavailable(ServiceUnavailable):
    detail = "Cannot check the login attempt budget right now, try again later."


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
