"""Throttles beyond DRF's stock ones that any endpoint may use."""
from rest_framework.throttling import SimpleRateThrottle


class ClientIPRateThrottle(SimpleRateThrottle):
    """Every request counts against its client IP, signed in or not, so fresh tokens buy no extra rate."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
