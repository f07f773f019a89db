"""Item times: UTC ISO 8601 with microseconds and +00:00, so that string order is time order."""
import re
from datetime import UTC, datetime, timedelta

ONE_MICROSECOND = timedelta(microseconds=1)
# What format_time writes, and what the old backend's isoformat() wrote (no fraction or exactly six digits;
# an offset, or none as parse_time allows). At most 32 characters: no text that merely parses (a fraction of
# 2,000 digits, a bare date) becomes a key DynamoDB refuses or one the app never wrote.
ITEM_TIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?([+-]\d\d:\d\d)?$"
_ITEM_TIME = re.compile(ITEM_TIME_PATTERN, re.ASCII)


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    # isoformat() drops the fraction when it is zero; a fixed width keeps string order == time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """Parse an item time, also the old backend's variants (no fraction, another offset)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def is_item_time(text: str) -> bool:
    """True for a time this store or the old backend writes as an item's `sk` (a valid date, too)."""
    if not _ITEM_TIME.fullmatch(text):
        return False
    try:
        parse_time(text)
    except ValueError:
        return False
    return True


def later_than(now: datetime, previous: str | None) -> str:
    """`now`, or one microsecond after `previous` when the clock has not moved past it."""
    if previous is not None:
        floor = parse_time(previous) + ONE_MICROSECOND
        if now < floor:
            now = floor
    return format_time(now)


def next_microsecond(text: str) -> str:
    return format_time(parse_time(text) + ONE_MICROSECOND)
