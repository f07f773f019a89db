"""Opaque pagination cursors: a base64url-wrapped item sort key.

A cursor decodes only to a sort key this store (or the old backend) writes, so a crafted one never
reaches DynamoDB as a key it would refuse."""
import base64
import binascii

from messaging.store.errors import InvalidCursor
from messaging.store.timefmt import is_item_time


def encode_cursor(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        sort_key = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (ValueError, UnicodeError, binascii.Error):
        sort_key = None
    if sort_key is None or not is_item_time(sort_key):
        raise InvalidCursor(f"not a cursor: {cursor[:40]!r}")
    return sort_key
