"""Input rules for messages, ids, cursors and limits; each failure is an error code."""
import uuid

import regex

from messaging.store.timefmt import format_time, is_item_time, parse_time
from users.validators import UNSTORABLE_CHARACTERS

MAX_MESSAGE_CHARS = 1024
# An item must stay far below DynamoDB's 400 KB; 1024 ordinary characters need at most 4 KiB.
MAX_MESSAGE_BYTES = 16 * 1024
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_IDEMPOTENCY_KEY = regex.compile(r"[A-Za-z0-9_\-.:]{1,128}")


def count_characters(text: str) -> int:
    """Characters as users count them: grapheme clusters (an emoji with modifiers is one)."""
    return len(regex.findall(r"\X", text))


def message_errors(text) -> list[str]:
    if text is None or (isinstance(text, str) and not text.strip()):
        return ["message_blank"]
    if not isinstance(text, str):
        return ["message_invalid"]
    errors = []
    if count_characters(text) > MAX_MESSAGE_CHARS or len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        errors.append("message_exceed_max_chars")
    if UNSTORABLE_CHARACTERS.search(text):
        errors.append("message_invalid_characters")
    return errors


def is_uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def parse_limit(value) -> int:
    """The page size from a query string; raises ValueError for anything but 1..MAX_LIMIT (an empty
    `limit=` too: the schema documents an integer)."""
    if value is None:
        return DEFAULT_LIMIT
    if isinstance(value, bool):
        raise ValueError(value)
    limit = int(value)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(value)
    return limit


def is_idempotency_key(value: str) -> bool:
    return bool(_IDEMPOTENCY_KEY.fullmatch(value))


def parse_read_position(value) -> str | None:
    """A read position from a request: None (absent), or a time in the store's format or the old backend's
    stored variants, written the store's way; raises ValueError for anything else."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_item_time(value):
        raise ValueError(value)
    return format_time(parse_time(value))
