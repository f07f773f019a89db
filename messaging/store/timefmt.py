"""Item times: UTC ISO 8601 with microseconds and +00:00, so that string order is time order."""
from datetime import UTC, datetime, timedelta

ONE_MICROSECOND = timedelta(microseconds=1)


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


def later_than(now: datetime, previous: str | None) -> str:
    """`now`, or one microsecond after `previous` when the clock has not moved past it."""
    if previous is not None:
        floor = parse_time(previous) + ONE_MICROSECOND
        if now < floor:
            now = floor
    return format_time(now)


def next_microsecond(text: str) -> str:
    return format_time(parse_time(text) + ONE_MICROSECOND)
