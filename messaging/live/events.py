"""The events of `GET /api/events`, their ids, and the text/event-stream frames that carry them.

An event id is a stream position: a watermark time plus the messages already delivered after it,
`<watermark in epoch microseconds>-<first 12 hex digits of each message uuid, dot-separated>`. A reconnect
recovers, from the table, every message stored after the watermark except those listed. The watermark trails
the newest delivered message by the commit window (LIVE_COMMIT_WINDOW_SECONDS), because a message can commit
after a later one in another conversation (its time is taken before its transaction, on another host's clock).
"""
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from messaging.store.timefmt import format_time, parse_time

MESSAGE = "message"
READ = "read"
# An edit or a delete of a message (messaging/message_edits.py).
MESSAGE_UPDATED = "message_updated"
MESSAGE_DELETED = "message_deleted"
EVENT_TYPES = (MESSAGE, READ, MESSAGE_UPDATED, MESSAGE_DELETED)

_PREFIX_DIGITS = 12
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EVENT_ID_PATTERN = r"^(\d{1,17})-((?:[0-9a-f]{12})(?:\.[0-9a-f]{12})*)?$"
_EVENT_ID = re.compile(EVENT_ID_PATTERN, re.ASCII)
MAX_EVENT_ID_LENGTH = 8192


class InvalidEventId(ValueError):
    pass


def uuid_prefix(message_uuid: str) -> str:
    return message_uuid.replace("-", "").lower()[:_PREFIX_DIGITS]


@dataclass
class Position:
    """Where a stream is: every message after `watermark` whose uuid prefix is in `seen` was delivered."""

    watermark: str  # an item time
    seen: dict[str, str | None] = field(default_factory=dict)  # uuid prefix -> its time, None until learned

    def event_id(self) -> str:
        return f"{_epoch_micros(self.watermark)}-{'.'.join(sorted(self.seen))}"

    def delivered(self, message_uuid: str) -> bool:
        return uuid_prefix(message_uuid) in self.seen

    def advance(self, *, message_uuid: str, created_at: str, window: timedelta) -> None:
        """Record a delivered message: the watermark moves to `window` before it, and forgets what is behind."""
        self.seen[uuid_prefix(message_uuid)] = created_at
        trailing = format_time(parse_time(created_at) - window)
        if trailing > self.watermark:
            self.watermark = trailing
            self.seen = {p: t for p, t in self.seen.items() if t is None or t > trailing}

    @classmethod
    def starting_at(cls, moment: datetime, *, window: timedelta, seen: list[tuple[str, str]] = ()) -> "Position":
        """A position for a page rendered at `moment` showing `seen` (uuid, time) messages."""
        position = cls(format_time(moment - window))
        for message_uuid, created_at in seen:
            if created_at > position.watermark:
                position.seen[uuid_prefix(message_uuid)] = created_at
        return position

    @classmethod
    def parse(cls, event_id: str) -> "Position":
        match = _EVENT_ID.fullmatch(event_id) if len(event_id) <= MAX_EVENT_ID_LENGTH else None
        if match is None:
            raise InvalidEventId(f"not an event id: {event_id[:40]!r}")
        try:
            watermark = format_time(_EPOCH + timedelta(microseconds=int(match[1])))
        except OverflowError:
            raise InvalidEventId(f"not an event id: {event_id[:40]!r}") from None
        return cls(watermark, dict.fromkeys(match[2].split(".")) if match[2] else {})


def _epoch_micros(item_time: str) -> int:
    return (parse_time(item_time) - _EPOCH) // timedelta(microseconds=1)


def frame(*, event: str, data: dict, event_id: str) -> str:
    """One event in text/event-stream framing (JSON has no raw newlines, so `data` is one line)."""
    return f"id: {event_id}\nevent: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def retry_frame(milliseconds: int, reason: str | None = None) -> str:
    comment = f": {reason}\n" if reason else ""
    return f"{comment}retry: {milliseconds}\n\n"


HEARTBEAT = ": keep-alive\n\n"
