"""The live bus: publishing an event (from any thread or process) and each process's hub, which holds the open
streams of its event loop and hands them the events meant for their user.

With REDIS_URL, one PUBLISH per event on one channel, and one subscription per process (not per stream), so an
event reaches every process on every host; each hub keeps only those for its own streams' users. Without it, an
in-process bus: the hubs of this process get the event directly (the embedded default, one process).
"""
import asyncio
import contextlib
import functools
import json
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from cruddur.cache_settings import redis_connection_options

logger = logging.getLogger(__name__)

# How often the subscriber checks that Redis answers; two missed answers count as lost (a frozen Redis keeps its
# connections open and says nothing).
PING_INTERVAL_SECONDS = 2.0
RECONNECT_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Envelope:
    """An event on the bus: its type, the users whose streams get it, and its data."""

    type: str
    to: tuple[str, ...]
    data: dict

    def to_json(self) -> str:
        return json.dumps({"type": self.type, "to": list(self.to), "data": self.data}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> "Envelope":
        body = json.loads(raw)
        return cls(body["type"], tuple(body["to"]), body["data"])


class BusLost:
    """Put in every stream's queue when the subscription to Redis is lost: the stream ends with a retry hint."""


BUS_LOST = BusLost()


class TooManyStreams(Exception):
    pass


class Connection:
    """One open stream: its bounded queue, and the task that writes it out (cancelled to drop the client)."""

    def __init__(self, user_uuid: str, queue_size: int, on_drop):
        self.user_uuid = user_uuid
        self.queue: asyncio.Queue = asyncio.Queue(queue_size)
        self.task = asyncio.current_task()
        self.dropped = False
        self._on_drop = on_drop

    def offer(self, item) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # The client stopped reading (its socket buffer is full, so the stream's writes wait): drop it rather
            # than buffer without bound. It reconnects with its Last-Event-ID and recovers from the table.
            if not self.dropped:
                self.dropped = True
                logger.warning("dropping a live stream of user %s: it stopped reading", self.user_uuid)
                self._on_drop(self)  # its slot is free at once
                if self.task is not None:
                    self.task.cancel()


class Hub:
    """The open streams of one event loop (one per server worker), by user. Used from that loop only."""

    def __init__(self, loop: asyncio.AbstractEventLoop, redis_url: str | None):
        self.loop = loop
        self.redis_url = redis_url
        self.streams: dict[str, set[Connection]] = {}
        self.ready = asyncio.Event()
        self._listener: asyncio.Task | None = None

    def start(self) -> None:
        if self.redis_url is None:
            self.ready.set()
        else:
            self._listener = self.loop.create_task(self._listen_forever())

    async def wait_ready(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ready.wait(), timeout)
        return self.ready.is_set()

    def open(self, *, user_uuid: str, queue_size: int, max_streams: int) -> Connection:
        """Take a stream slot of the user (at most `max_streams` per process) and subscribe it, at once."""
        mine = self.streams.setdefault(user_uuid, set())
        if len(mine) >= max_streams:
            raise TooManyStreams(user_uuid)
        connection = Connection(user_uuid, queue_size, on_drop=self.close)
        mine.add(connection)
        if connection.task is not None:
            # The slot goes with the task that writes the answer. A client that vanishes mid-write cancels it, and
            # Django then closes only its own wrapper of the stream's iterator, whose `finally` would wait for GC.
            connection.task.add_done_callback(lambda _task: self.close(connection))
        return connection

    def close(self, connection: Connection) -> None:
        mine = self.streams.get(connection.user_uuid, set())
        mine.discard(connection)
        if not mine:
            self.streams.pop(connection.user_uuid, None)

    def open_count(self, user_uuid: str | None = None) -> int:
        if user_uuid is not None:
            return len(self.streams.get(user_uuid, ()))
        return sum(len(s) for s in self.streams.values())

    def deliver(self, envelope: Envelope) -> None:
        for user_uuid in envelope.to:
            for connection in list(self.streams.get(user_uuid, ())):
                connection.offer(envelope)

    def bus_lost(self) -> None:
        """End every stream of this hub with a retry hint (the subscription to Redis is gone)."""
        self.ready.clear()
        for connections in list(self.streams.values()):
            for connection in list(connections):
                connection.offer(BUS_LOST)

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure of Redis: streams reconnect, and recover from the table
                logger.warning("live bus: the subscription to Redis failed: %r", error)
            if self.ready.is_set():
                self.bus_lost()
            await asyncio.sleep(RECONNECT_PAUSE_SECONDS)

    async def _listen(self) -> None:
        import redis.asyncio

        options = redis_connection_options(connect_timeout=settings.REDIS_CONNECT_TIMEOUT, socket_timeout=None,
                                           asyncio=True)
        client = redis.asyncio.Redis.from_url(self.redis_url, **options)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(settings.LIVE_CHANNEL)
                answered = self.loop.time()
                next_ping = answered + PING_INTERVAL_SECONDS
                while True:
                    message = await pubsub.get_message(timeout=PING_INTERVAL_SECONDS / 2)
                    now = self.loop.time()
                    if message is not None:
                        answered = now
                        if message["type"] == "subscribe":
                            self.ready.set()  # live from here: a stream opened now misses nothing published
                        elif message["type"] == "message":
                            self.deliver(Envelope.from_json(message["data"]))
                            await asyncio.sleep(0)  # let the streams write out, so a burst fills no queue
                    if now >= next_ping:
                        await pubsub.ping()
                        next_ping = now + PING_INTERVAL_SECONDS
                    if now - answered > 2 * PING_INTERVAL_SECONDS:
                        raise ConnectionError("Redis stopped answering")
        finally:
            await client.aclose()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}  # one per event loop: a server worker has one
_hubs_lock = threading.Lock()


def get_hub() -> Hub:
    """The hub of the running event loop, made (and subscribed) on first use."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        for closed in [other for other in _hubs if other.is_closed()]:
            del _hubs[closed]
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = Hub(loop, settings.REDIS_URL)
            hub.start()
    return hub


def publish(envelope: Envelope) -> None:
    """Publish after the write committed. Never raises: a bus that is down loses the live event only, and the
    streams it would have reached recover the message from the table when they reconnect."""
    if settings.REDIS_URL is None:
        with _hubs_lock:
            hubs = list(_hubs.values())
        for hub in hubs:
            if not hub.loop.is_closed():
                with contextlib.suppress(RuntimeError):  # it closed just now
                    hub.loop.call_soon_threadsafe(hub.deliver, envelope)
        return
    try:
        _publisher().publish(settings.LIVE_CHANNEL, envelope.to_json())
    except Exception as error:  # Redis down or hanging: logged, never the sender's error
        logger.warning("live bus: could not publish a %s event: %r", envelope.type, error)


@functools.cache
def _publisher():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, **redis_connection_options(
        connect_timeout=settings.REDIS_CONNECT_TIMEOUT, socket_timeout=settings.REDIS_SOCKET_TIMEOUT))


@receiver(setting_changed)
def _reset_on_setting_change(setting, **kwargs):
    if setting in ("REDIS_URL", "LIVE_CHANNEL"):
        _publisher.cache_clear()
