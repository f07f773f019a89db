"""What the messaging services raise; the API and the pages map these to answers."""
from messaging.store.errors import StoreUnavailable

__all__ = ["PAGING_CODES", "SEND_CODES", "NotFound", "StoreUnavailable", "ValidationFailed"]

# Every code ValidationFailed carries: the API documents them, the pages have a text for each.
PAGING_CODES = ("limit_invalid", "cursor_invalid")
SEND_CODES = (
    "message_blank", "message_exceed_max_chars", "message_invalid_characters", "message_invalid",
    "message_group_uuid_blank", "message_group_uuid_invalid", "user_reciever_handle_blank",
    "user_reciever_handle_not_found", "message_to_self", "idempotency_key_invalid", "idempotency_key_reused",
)


class ValidationFailed(Exception):
    """Bad input; `codes` are the old backend's error codes (HTTP 422 with the JSON array)."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


class NotFound(Exception):
    """No such conversation or user, or the user is not a member (HTTP 404, never 403: no leaks)."""
