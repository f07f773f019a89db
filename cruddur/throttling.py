"""Throttles beyond DRF's stock ones, for the API and the login pages."""
from rest_framework.throttling import SimpleRateThrottle


class ClientIPRateThrottle(SimpleRateThrottle):
    """Every request counts against its client IP, signed in or not, so fresh tokens buy no extra rate."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginRateThrottle(ClientIPRateThrottle):
    """Password guesses per client address, for the token endpoint and both login pages alike: one budget,
    since a second door would otherwise double the guesses. Works on a plain Django request as well as a DRF one."""

    scope = "auth_token"
