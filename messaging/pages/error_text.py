"""What a person reads for each validation code the messaging services return."""

ERROR_TEXT = {
    "message_blank": "Write a message before sending.",
    "message_exceed_max_chars": "A message can be at most 1024 characters.",
    "message_invalid": "A message must be text.",
    "message_invalid_characters": "The message contains characters that cannot be sent.",
    "message_group_uuid_blank": "This conversation link is not complete.",
    "message_group_uuid_invalid": "This conversation link is not valid.",
    "user_reciever_handle_blank": "Choose who to send the message to.",
    "user_reciever_handle_not_found": "There is no one with that handle.",
    "message_to_self": "You cannot send a message to yourself.",
    "message_recipient_unavailable": "This person cannot receive your messages.",
    "block_self": "You cannot block yourself.",
    "limit_invalid": "This page link is not valid.",
    "cursor_invalid": "This page link is not valid.",
    "idempotency_key_invalid": "The form was out of date. Press Send again.",
    "message_uuid_invalid": "This message link is not valid.",
    "message_edit_window_closed": "This message can no longer be edited.",
    "message_deleted": "This message was deleted.",
    "idempotency_key_reused": "This form was already used for another message. Press Send again to send this one.",
}
UNKNOWN_ERROR_TEXT = "The message could not be sent."

# Codes about the text go next to the text box; the rest above the whole form.
MESSAGE_FIELD_CODES = frozenset(
    {"message_blank", "message_invalid", "message_exceed_max_chars", "message_invalid_characters"}
)


def error_text(code: str) -> str:
    return ERROR_TEXT.get(code, UNKNOWN_ERROR_TEXT)
