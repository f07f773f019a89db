"""Rules for what a handle (and a login name) may be."""
import regex
from django.core.exceptions import ValidationError

HANDLE_MAX_LENGTH = 32
# What a login may type: a handle or an email, and an email field holds at most 254 characters.
LOGIN_MAX_LENGTH = 254
# ASCII only: a case-insensitive match of anything else can fold one handle into another
# (Postgres' UPPER turns long s U+017F into `S` and dotless i U+0131 into `I`: `\u017fean` would be @sean).
_HANDLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
# Control characters (but tab, newline, carriage return) and lone surrogates cannot be stored as text.
UNSTORABLE_CHARACTERS = regex.compile(r"[\p{Cc}--[\t\n\r]]|\p{Cs}", regex.V1)


def is_handle(value) -> bool:
    """Whether `value` is a well-formed handle: 1 to HANDLE_MAX_LENGTH ASCII letters, digits and underscores."""
    return isinstance(value, str) and 0 < len(value) <= HANDLE_MAX_LENGTH and set(value) <= _HANDLE_CHARS


def validate_handle(value: str) -> None:
    """Handles appear in URLs (/@handle) and DynamoDB items, so only a safe alphabet is allowed."""
    if not value:
        raise ValidationError("Handle is required.", code="handle_blank")
    if len(value) > HANDLE_MAX_LENGTH:
        raise ValidationError(
            f"Handle must be at most {HANDLE_MAX_LENGTH} characters.", code="handle_too_long"
        )
    if any(ch.isspace() for ch in value):
        raise ValidationError("Handle must not contain spaces.", code="handle_has_space")
    if "@" in value:
        raise ValidationError(
            "Handle must not contain '@' (it is added when the handle is shown).",
            code="handle_has_at",
        )
    if not set(value) <= _HANDLE_CHARS:
        raise ValidationError(
            "Handle may contain only letters, digits and underscores.", code="handle_invalid"
        )
