"""The budget of password guesses: a users concern, shared by the token endpoint and the login pages."""
from cruddur.api.throttling import ClientIPRateThrottle


class LoginRateThrottle(ClientIPRateThrottle):
    """Password guesses per client address, for the token endpoint and both login pages alike: one budget,
    since a second door would otherwise double the guesses. Works on a plain Django request as well as a DRF one."""

    scope = "auth_token"
