"""What the messaging services raise; the API and the pages map these to answers."""
from messaging.store.errors import StoreUnavailable

__all__ = ["NotFound", "StoreUnavailable", "ValidationFailed"]


class ValidationFailed(Exception):
    """Bad input; `codes` are the old backend's error codes (HTTP 422 with the JSON array)."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


class NotFound(Exception):
    """No such conversation or user, or the user is not a member (HTTP 404, never 403: no leaks)."""
