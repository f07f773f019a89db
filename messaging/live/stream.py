"""One user's event stream: subscribed first, then what was missed since the client's position (from the
table), then live events, with heartbeats, a retry hint, limits and a clean close."""
import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from messaging.errors import ValidationFailed
from messaging.live import events
from messaging.live.bus import BUS_LOST, TooManyStreams, get_hub
from messaging.live.events import InvalidEventId, Position, uuid_prefix
from messaging.live.publishing import message_data
from messaging.store.errors import StoreError
from messaging.store.models import Message
from messaging.store.store import MessageStore
from messaging.store.timefmt import format_time, utc_now

logger = logging.getLogger(__name__)

BUS_WAIT_SECONDS = 2.0  # a stream opened while the subscription (re)connects waits this long for it


@dataclass(frozen=True)
class Limits:
    heartbeat_seconds: float
    retry_ms: int
    bus_down_retry_ms: int
    max_streams_per_user: int
    idle_seconds: float
    max_lifetime_seconds: float
    queue_size: int
    commit_window: timedelta

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            heartbeat_seconds=settings.LIVE_HEARTBEAT_SECONDS,
            retry_ms=settings.LIVE_RETRY_MS,
            bus_down_retry_ms=settings.LIVE_BUS_DOWN_RETRY_MS,
            max_streams_per_user=settings.LIVE_MAX_STREAMS_PER_USER,
            idle_seconds=settings.LIVE_IDLE_SECONDS,
            max_lifetime_seconds=settings.LIVE_MAX_LIFETIME_SECONDS,
            queue_size=settings.LIVE_QUEUE_SIZE,
            commit_window=timedelta(seconds=settings.LIVE_COMMIT_WINDOW_SECONDS),
        )


def parse_position(*, header: str | None, query: str | None) -> Position | None:
    """The client's position from its `Last-Event-ID` header (which wins: an EventSource sends it when it
    reconnects) or query parameter; None for a new stream; 422 if either is malformed (or empty)."""
    try:
        positions = [Position.parse(given) for given in (header, query) if given is not None]
    except InvalidEventId:
        raise ValidationFailed(["last_event_id_invalid"]) from None
    return positions[0] if positions else None


def page_event_id(*, now: datetime, shown: list[Message]) -> str:
    """The position of a page rendered at `now` showing `shown`: its stream starts there, so a message stored
    between the render and the stream opening is recovered, and none shown is sent again."""
    window = timedelta(seconds=settings.LIVE_COMMIT_WINDOW_SECONDS)
    return Position.starting_at(now, window=window, seen=[(m.uuid, m.created_at) for m in shown]).event_id()


def missed_messages(store: MessageStore, *, user_uuid: str, position: Position) -> list[Message]:
    """Every message stored in the user's conversations after the position and not yet delivered, in time
    order: one Query of the user's group items, then one Query per conversation that changed."""
    found = []
    for group in store.groups_changed_after(user_uuid=user_uuid, after=position.watermark):
        found += store.messages_after(message_group_uuid=group.uuid, after=position.watermark)
    return sorted((m for m in found if not position.delivered(m.uuid)), key=lambda m: m.created_at)


def opening(store: MessageStore, *, user_uuid: str, position: Position | None, clock: Callable[[], datetime],
            window: timedelta) -> tuple[Position, list[Message]]:
    """Where a stream starts and what it sends first: from the client's position, what was missed; for a new
    stream, nothing, and its position is now less the commit window, with what was stored in that window counted
    as seen (so a message that takes its time before the stream opened but commits after is not missed by a
    later reconnect, and none stored before is sent twice)."""
    if position is not None:
        return position, missed_messages(store, user_uuid=user_uuid, position=position)
    position = Position(format_time(clock() - window))
    for message in missed_messages(store, user_uuid=user_uuid, position=position):
        position.seen[uuid_prefix(message.uuid)] = message.created_at
    return position, []


def catch_up(*, user_uuid: str, position: Position | None, limits: Limits, store: MessageStore,
             clock: Callable[[], datetime] = utc_now) -> Iterator[str]:
    """For a WSGI server, whose workers must not be held by long-lived streams: what was missed since the
    position, then the end with a `retry:` hint, so an EventSource comes back for more (polling, in effect)."""
    try:
        position, missed = opening(store, user_uuid=user_uuid, position=position, clock=clock,
                                   window=limits.commit_window)
    except StoreError as error:
        logger.warning("event catch-up of %s: cannot recover from the table: %r", user_uuid, error)
        yield events.retry_frame(limits.bus_down_retry_ms, "messages unavailable")
        return
    yield f"id: {position.event_id()}\n" + events.retry_frame(limits.retry_ms, "no live stream on this server")
    for message in missed:
        position.advance(message_uuid=message.uuid, created_at=message.created_at, window=limits.commit_window)
        yield events.frame(event=events.MESSAGE, data=message_data(message), event_id=position.event_id())


async def event_stream(*, user_uuid: str, position: Position | None, limits: Limits, store: MessageStore,
                       clock: Callable[[], datetime] = utc_now) -> AsyncIterator[str]:
    hub = get_hub()
    connection = None
    try:
        # The slot is taken here, inside the iterator, so a client gone before the first frame never keeps one.
        try:
            connection = hub.open(user_uuid=user_uuid, queue_size=limits.queue_size,
                                  max_streams=limits.max_streams_per_user)
        except TooManyStreams:
            yield events.retry_frame(limits.bus_down_retry_ms, "too many open streams")
            return
        if not await hub.wait_ready(BUS_WAIT_SECONDS):
            yield events.retry_frame(limits.bus_down_retry_ms, "live bus unavailable")
            return
        # Subscribed from here on: what commits now arrives in the queue, so recovery and live overlap, never gap.
        try:
            position, missed = await asyncio.to_thread(opening, store, user_uuid=user_uuid, position=position,
                                                       clock=clock, window=limits.commit_window)
        except StoreError as error:
            logger.warning("live stream of %s: cannot recover from the table: %r", user_uuid, error)
            yield events.retry_frame(limits.bus_down_retry_ms, "messages unavailable")
            return
        yield f"id: {position.event_id()}\n" + events.retry_frame(limits.retry_ms)
        for message in missed:
            position.advance(message_uuid=message.uuid, created_at=message.created_at, window=limits.commit_window)
            yield events.frame(event=events.MESSAGE, data=message_data(message), event_id=position.event_id())
        async def unread_total() -> int:
            return (await asyncio.to_thread(store.unread_summary, user_uuid=user_uuid)).unread_count

        async for chunk in _live(connection, position, limits, unread_total):
            yield chunk
    finally:
        if connection is not None:
            hub.close(connection)


async def _live(connection, position: Position, limits: Limits,
                unread_total: Callable[[], Awaitable[int]]) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    started = last_event = loop.time()
    while True:
        now = loop.time()
        if now - started >= limits.max_lifetime_seconds:
            yield events.retry_frame(limits.retry_ms, "lifetime over, reconnect")
            return
        if now - last_event >= limits.idle_seconds:
            yield events.retry_frame(limits.retry_ms, "idle, reconnect")
            return
        wait = min(limits.heartbeat_seconds, started + limits.max_lifetime_seconds - now,
                   last_event + limits.idle_seconds - now)
        try:
            envelope = await asyncio.wait_for(connection.queue.get(), wait)
        except TimeoutError:
            yield events.HEARTBEAT
            continue
        if envelope is BUS_LOST:
            yield events.retry_frame(limits.bus_down_retry_ms, "live bus lost, reconnect")
            return
        if envelope.type == events.MESSAGE:
            if position.delivered(envelope.data["uuid"]):
                continue  # recovered from the table already, or a replayed send
            position.advance(message_uuid=envelope.data["uuid"], created_at=envelope.data["created_at"],
                             window=limits.commit_window)
        data = envelope.data
        if envelope.type == events.READ:
            try:
                data = {**data, "total_unread_count": await unread_total()}
            except StoreError as error:
                logger.warning("live stream: no total for a read event: %r", error)
                continue  # the page's next poll or reload shows the counts
        last_event = loop.time()
        yield events.frame(event=envelope.type, data=data, event_id=position.event_id())
