"""Reading text/event-stream answers: blocks parsed as the HTML standard's EventSource parses them, from the
project's ASGI application driven in-process as an ASGI server drives it, or from a real server (requests)."""
import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core import signals
from django.db import close_old_connections


@dataclass
class Block:
    """One blank-line-terminated block: an event, or only a comment, `retry:` or `id:`."""

    event: str | None = None
    id: str | None = None
    data: dict | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def is_heartbeat(self) -> bool:
        return self.event is None and self.retry is None and self.comments == ["keep-alive"]


def parse_block(text: str) -> Block:
    block, data_lines = Block(), []
    for line in text.split("\n"):
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "":
            block.comments.append(value)
        elif name == "event":
            block.event = value
        elif name == "id":
            block.id = value
        elif name == "retry":
            block.retry = int(value)
        elif name == "data":
            data_lines.append(value)
    if data_lines:
        block.data = json.loads("\n".join(data_lines))
    return block


class BlockSplitter:
    def __init__(self):
        self.buffer = ""

    def feed(self, text: str) -> list[Block]:
        self.buffer += text
        *complete, self.buffer = self.buffer.split("\n\n")
        return [parse_block(chunk) for chunk in complete]


class AsgiStream:
    """One GET through `cruddur.asgi:application` as a server makes it: the answer's status, headers and blocks as
    they are sent, and a client disconnect on close(). Run inside the event loop of async_to_sync, so the sync
    view and the ORM run in the test's thread (its transaction), as Django's test client does."""

    def __init__(self, app, url: str, headers: dict[str, str]):
        parts = urlsplit(url)
        self.scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": parts.path, "raw_path": parts.path.encode(), "query_string": parts.query.encode(),
            "root_path": "", "client": ("127.0.0.1", 40000), "server": ("testserver", 80),
            "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers.items())],
        }
        self.app = app
        self.sent: asyncio.Queue = asyncio.Queue()
        self.disconnected = asyncio.Event()
        self.requested = False
        self.splitter = BlockSplitter()
        self.pending: list[Block] = []
        self.ended = False
        self.task = None
        self.status = None
        self.headers: dict[str, str] = {}
        self.body = b""

    async def _receive(self):
        if not self.requested:
            self.requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.disconnected.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message):
        await self.sent.put(message)

    async def open(self, timeout: float = 10) -> int:
        _keep_connections(True)
        self.task = asyncio.ensure_future(self.app(self.scope, self._receive, self._send))
        start = await asyncio.wait_for(self.sent.get(), timeout)
        self.status = start["status"]
        self.headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return self.status

    async def hang_up_early(self, timeout: float = 10) -> None:
        """The client disconnects before anything is answered; the app finishes on its own."""
        self.disconnected.set()
        _keep_connections(True)
        try:
            await asyncio.wait_for(self.app(self.scope, self._receive, self._send), timeout)
        finally:
            _keep_connections(False)

    async def next_block(self, timeout: float) -> Block | None:
        """The next block, or None once the answer has ended."""
        while not self.pending:
            if self.ended:
                return None
            message = await asyncio.wait_for(self.sent.get(), timeout)
            self.body += message.get("body", b"")
            self.pending += self.splitter.feed(message.get("body", b"").decode())
            self.ended = not message.get("more_body", False)
        return self.pending.pop(0)

    async def until(self, predicate, timeout: float) -> list[Block]:
        """Blocks up to and including the first that `predicate` accepts (an AssertionError after `timeout` s)."""
        found, deadline = [], time.monotonic() + timeout
        while True:
            block = await self.next_block(max(0.01, deadline - time.monotonic()))
            assert block is not None, f"the stream ended first: {found}"
            found.append(block)
            if predicate(block):
                return found

    async def two_heartbeats(self, timeout: float) -> list[Block]:
        """Every block up to and including the second heartbeat from now: what a bystander's stream carries while
        the test's events happen (each heartbeat within `timeout` s)."""
        found = await self.until(lambda b: b.is_heartbeat, timeout)
        return found + await self.until(lambda b: b.is_heartbeat, timeout)

    async def rest(self, timeout: float) -> list[Block]:
        """Every block until the answer ends."""
        found = []
        while (block := await self.next_block(timeout)) is not None:
            found.append(block)
        return found

    async def close(self) -> None:
        self.disconnected.set()
        try:
            await asyncio.wait_for(self.task, 10)
        finally:
            _keep_connections(False)


_open_streams = [0]


def _keep_connections(opening: bool) -> None:
    """As django.test.Client does, the test's database connection (its transaction) outlives the requests: the
    request signals do not close it while any stream is open."""
    _open_streams[0] += 1 if opening else -1
    if opening and _open_streams[0] == 1:
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
    elif not opening and _open_streams[0] == 0:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def blocks(response, *, within: float) -> Iterator[Block]:
    """The blocks of a real server's streamed answer (`requests`, stream=True) until it ends or `within` seconds
    have passed (the read timeout of the request bounds each wait)."""
    splitter = BlockSplitter()
    deadline = time.monotonic() + within
    for chunk in response.iter_content(chunk_size=None, decode_unicode=True):
        yield from splitter.feed(chunk)
        if time.monotonic() > deadline:
            return


def messages(found: list[Block]) -> list[Block]:
    return [block for block in found if block.event == "message"]


class LiveStream:
    """`GET /api/events` on a real server, read in a thread: each block with the moment it arrived."""

    def __init__(self, base_url: str, headers: dict, last_event_id: str | None = None, session=None):
        import requests

        headers = {**headers, "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = last_event_id
        self.response = (session or requests).get(f"{base_url}/api/events", headers=headers, stream=True,
                                                  timeout=(5, 60))
        self.status = self.response.status_code
        self.arrived: list[tuple[float, Block]] = []
        self.ended = threading.Event()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        splitter = BlockSplitter()
        try:
            for chunk in self.response.iter_content(chunk_size=None):
                for block in splitter.feed(chunk.decode()):
                    with self._changed:
                        self.arrived.append((time.monotonic(), block))
                        self._changed.notify_all()
        except Exception:  # closed by the test, or by the server: either way the stream is over
            pass
        finally:
            with self._changed:
                self.ended.set()
                self._changed.notify_all()

    @property
    def blocks(self) -> list[Block]:
        with self._changed:
            return [block for _, block in self.arrived]

    def wait_for(self, predicate, within: float) -> tuple[float, Block]:
        """The first block `predicate` accepts and when it arrived; AssertionError after `within` seconds."""
        deadline = time.monotonic() + within
        with self._changed:
            while True:
                for arrived, block in self.arrived:
                    if predicate(block):
                        return arrived, block
                left = deadline - time.monotonic()
                assert left > 0 and not self.ended.is_set(), f"not within {within} s: {self.blocks_unlocked()}"
                self._changed.wait(left)

    def first_block(self, within: float) -> Block | None:
        """The first block, or None if the stream ended (or `within` seconds passed) before one came."""
        deadline = time.monotonic() + within
        with self._changed:
            while not self.arrived and not self.ended.is_set() and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            return self.arrived[0][1] if self.arrived else None

    def blocks_unlocked(self) -> list[Block]:
        return [block for _, block in self.arrived]

    def wait_until_ended(self, within: float) -> list[Block]:
        assert self.ended.wait(within), f"the stream did not end within {within} s"
        return self.blocks

    def close(self) -> None:
        self.response.close()
        self._thread.join(10)
