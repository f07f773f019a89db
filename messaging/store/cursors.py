"""Opaque pagination cursors: a base64url-wrapped item sort key."""
import base64
import binascii

from messaging.store.errors import InvalidCursor
from messaging.store.timefmt import parse_time


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_key = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        parse_time(sort_key)
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursor(f"not a cursor: {cursor[:40]!r}") from None
    return sort_key
