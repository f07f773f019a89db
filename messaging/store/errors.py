"""Typed store failures the services and the API map to answers."""


class StoreError(Exception):
    pass


class StoreUnavailable(StoreError):
    """DynamoDB is unreachable, timing out or throttling: try again later (HTTP 503)."""

    def __init__(self, message: str = "DynamoDB is unavailable", retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


class StoreNotFound(StoreError):
    """The table or item does not exist."""


class StoreConflict(StoreError):
    """A conditional write kept losing races; nothing was written."""


class IdempotencyKeyReused(StoreError):
    """The same Idempotency-Key was used earlier for a different message."""


class InvalidCursor(StoreError):
    """A pagination cursor that this store did not issue."""


class RecipientUnavailable(StoreError):
    """The send's transaction found a block between sender and recipient; nothing was stored."""
