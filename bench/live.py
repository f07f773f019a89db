"""Live delivery benchmark: the event streams under each ASGI server, side by side.

    .venv/bin/python bench/live.py --quick
    .venv/bin/python bench/live.py --servers uvicorn granian daphne --json results.json

Boots DynamoDB Local, a redis-server and a gunicorn (the sender's instance) on 127.0.0.1, then for each ASGI server
a second instance for the streams, on the same Redis, table and users (every process is stopped by its own pid at
the end, also on failure). For each it measures, from this process (asyncio stream clients, a sender thread):
- delivery latency from the send's 200 (on gunicorn) to the event on every open stream (on the ASGI server),
  p50 and p99, with 1 and with 100 open streams;
- memory per open stream (the server's resident memory with N streams open, less with none, over N) and whether one
  worker holds them all;
- the rest of the API on the same server: GET /api/message_groups with 8 concurrent clients, next to gunicorn.
"""
import argparse
import asyncio
import json
import logging
import secrets
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.harness import (  # noqa: E402
    ASGI_SERVERS,
    RedisServer,
    asgi_server,
    booted,
    drive,
    gunicorn,
    http_client,
    p99,
    rss_mb,
    token_headers,
    worker_pids,
)

logger = logging.getLogger("bench.live")
TABLE = "cruddur-messages-live-bench"
SENDER, READER = "andrewbrown", "bayko"
PRODUCTION_SETTINGS = {"DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
                       "LIVE_MAX_STREAMS_PER_USER": "100000", "LIVE_HEARTBEAT_SECONDS": "15",
                       "SECRET_KEY": secrets.token_urlsafe(50)}


class StreamClient:
    """One open GET /api/events over a raw asyncio connection; records when each message uuid arrived."""

    def __init__(self, port: int, authorization: str, arrivals: dict):
        self.port, self.authorization, self.arrivals = port, authorization, arrivals
        self.ready = asyncio.Event()
        self.writer = None

    async def run(self):
        reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {self.authorization}\r\n"
                          "Accept: text/event-stream\r\n\r\n".encode())
        await self.writer.drain()
        try:
            while line := await reader.readline():
                if line.startswith(b"retry:"):
                    self.ready.set()
                elif line.startswith(b"data:"):
                    uuid = json.loads(line[5:])["uuid"]
                    self.arrivals.setdefault(uuid, []).append(time.perf_counter())
        except (ConnectionError, asyncio.CancelledError):
            pass

    def close(self):
        if self.writer is not None:
            self.writer.close()


def process_tree_rss_mb(pid: int) -> float:
    pids = {pid}
    for child in worker_pids(pid):
        pids |= {child, *worker_pids(child)}
    return round(sum(rss_mb(p) for p in pids), 1)


async def open_streams(count: int, port: int, authorization: str, arrivals: dict) -> tuple[list, list]:
    clients = [StreamClient(port, authorization, arrivals) for _ in range(count)]
    tasks = [asyncio.ensure_future(client.run()) for client in clients]
    for start in range(0, count, 50):  # a few at a time, as clients arrive
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients[start:start + 50])), 60)
    return clients, tasks


async def close_streams(clients, tasks):
    for client in clients:
        client.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def send_one(api_url: str, headers: dict, text: str) -> tuple[str, float]:
    session = http_client()
    response = session.request("POST", f"{api_url}/api/messages", headers={**headers, "Content-Type":
                                "application/json"}, body=json.dumps({"message": text, "handle": READER}))
    acknowledged = time.perf_counter()
    assert response.status == 200, response.data[:300]
    return json.loads(response.data)["uuid"], acknowledged


async def delivery(api_url, sender_headers, port, reader_authorization, streams: int, sends: int) -> dict:
    arrivals: dict[str, list[float]] = {}
    clients, tasks = await open_streams(streams, port, reader_authorization, arrivals)
    latencies, missing = [], 0
    try:
        for n in range(sends):
            uuid, acknowledged = await asyncio.to_thread(send_one, api_url, sender_headers, f"bench {n}")
            deadline = time.perf_counter() + 5
            while len(arrivals.get(uuid, [])) < streams and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            got = arrivals.get(uuid, [])
            missing += streams - len(got)
            latencies += [arrived - acknowledged for arrived in got]
            await asyncio.sleep(0.05)
    finally:
        await close_streams(clients, tasks)
    return {"streams": streams, "sends": sends, "events": len(latencies), "missing": missing,
            "p50_ms": round(statistics.median(latencies) * 1000, 2), "p99_ms": round(p99(latencies) * 1000, 2)}


async def memory(process, port, reader_authorization, streams: int) -> dict:
    await asyncio.sleep(1)
    before = process_tree_rss_mb(process.pid)
    clients, tasks = await open_streams(streams, port, reader_authorization, {})
    await asyncio.sleep(1)
    after = process_tree_rss_mb(process.pid)
    held = sum(client.ready.is_set() and not task.done() for client, task in zip(clients, tasks, strict=True))
    await close_streams(clients, tasks)
    return {"streams": streams, "held": held, "rss_before_mb": before, "rss_after_mb": after,
            "kb_per_stream": round((after - before) * 1024 / streams, 1)}


def api_throughput(base_url: str, headers: dict, duration: float) -> dict:
    def request(session, _index):
        return session.request("GET", f"{base_url}/api/message_groups", headers=headers).status == 200

    drive(request, 8, 20, 2)  # warm up
    return drive(request, 8, 100_000, duration)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", nargs="+", choices=ASGI_SERVERS, default=list(ASGI_SERVERS))
    parser.add_argument("--sends", type=int, default=30)
    parser.add_argument("--memory-streams", type=int, default=1000)
    parser.add_argument("--api-seconds", type=float, default=5)
    parser.add_argument("--quick", action="store_true", help="10 sends, 200 streams for memory, 3 s API runs")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.quick:
        args.sends, args.memory_streams, args.api_seconds = 10, 200, 3
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    results = {"servers": {}}
    with booted(TABLE, PRODUCTION_SETTINGS, in_process=False) as boot, RedisServer(boot.tmp_dir) as redis_server:
        env = {**boot.env, "REDIS_URL": redis_server.url}
        with gunicorn(env, workers=1) as (_, api_url):
            sender_headers = token_headers(api_url, SENDER)
            reader_headers = token_headers(api_url, READER)
            send_one(api_url, sender_headers, "first")  # the conversation exists before anything is measured
            results["gunicorn_api"] = api_throughput(api_url, reader_headers, args.api_seconds)
            for server in args.servers:
                with asgi_server(env, server) as (process, url):
                    port = int(url.rsplit(":", 1)[1])
                    row = {"delivery": [asyncio.run(delivery(api_url, sender_headers, port,
                                                             reader_headers["Authorization"], streams, args.sends))
                                        for streams in (1, 100)],
                           "memory": asyncio.run(memory(process, port, reader_headers["Authorization"],
                                                        args.memory_streams)),
                           "api": api_throughput(url, reader_headers, args.api_seconds)}
                results["servers"][server] = row
                logger.info("%s: %s", server, json.dumps(row))
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
