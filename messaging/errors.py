"""What the messaging services raise: the shared API error types, which the API and the pages map to answers."""
from cruddur.api.errors import NotFound, ServiceUnavailable, ValidationFailed

__all__ = [
    "BLOCK_CODES", "EDIT_CODES", "MESSAGE_PATH_CODES", "PAGING_CODES", "READ_CODES", "SEND_CODES",
    "MessagesUnavailable", "NotFound", "ValidationFailed",
]

# Every code ValidationFailed carries: the API documents them, the pages have a text for each.
PAGING_CODES = ("limit_invalid", "cursor_invalid")
SEND_CODES = (
    "message_blank", "message_exceed_max_chars", "message_invalid_characters", "message_invalid",
    "message_group_uuid_blank", "message_group_uuid_invalid", "user_reciever_handle_blank",
    "user_reciever_handle_not_found", "message_to_self", "idempotency_key_invalid", "idempotency_key_reused",
    "message_recipient_unavailable",
)
BLOCK_CODES = ("block_self",)

# An edit answers the text codes of a send, plus these; a delete only the uuid codes.
MESSAGE_PATH_CODES = ("message_group_uuid_invalid", "message_uuid_invalid")
EDIT_CODES = (
    *MESSAGE_PATH_CODES, "message_blank", "message_exceed_max_chars", "message_invalid_characters",
    "message_invalid", "message_edit_window_closed", "message_deleted",
)

READ_CODES = ("message_group_uuid_invalid", "up_to_invalid")


class MessagesUnavailable(ServiceUnavailable):
    """DynamoDB is unreachable, throttling or kept losing races: nothing was stored, try again later."""

    detail = "Messages are temporarily unavailable, try again later."
