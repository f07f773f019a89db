"""One-command benchmark: the API under gunicorn against DynamoDB Local, next to the DynamoDB floor.

    .venv/bin/python bench/run.py --quick
    .venv/bin/python bench/run.py --quick --redis    # the shared cache in Redis, as a fleet runs
    .venv/bin/python bench/run.py --quick --redis --compare-with 437969e --chart docs/performance.png   # old vs new

Starts DynamoDB Local (with --redis also a redis-server) and gunicorn on 127.0.0.1 (stopped by their own pid at the
end, also on failure),
drives each endpoint with N concurrent clients (threads, one urllib3 pool each) from this process.
At N=1 each API request alternates with the same DynamoDB calls made directly through MessageStore (the floor),
so both are measured side by side on the same machine at the same moment.
Prints a table and, with --json PATH, writes the results as JSON.
With --compare-with REF, the same endpoints are driven against REF's code and this tree side by side instead
(bench/compare.py); --chart PATH then draws them (bench/chart.py).
"""
import contextlib
import functools
import json
import logging
import os
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from boto3.dynamodb.table import BatchWriter

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.compare import format_compare_table, run_compare  # noqa: E402
from bench.harness import (  # noqa: E402
    RedisServer,
    bench_arguments,
    booted,
    collect_static,
    drive,
    gunicorn,
    http_client,
    report,
    summarize,
    token_headers,
    worker_peak_rss_mb,
)
from bench.workload import (  # noqa: E402
    FLOOR_PEER,
    PEER,
    PRODUCTION_SETTINGS,
    SENDER,
    add_bench_users,
    api_workload,
    start_conversation,
)
from messaging.store import items  # noqa: E402
from messaging.store.models import Message, UserRef  # noqa: E402
from messaging.store.store import MessageStore  # noqa: E402
from messaging.store.timefmt import format_time  # noqa: E402

logger = logging.getLogger("bench")
TABLE = "cruddur-messages-bench"


def ddb_calls_since(log: Path, offset: int) -> tuple[dict, int]:
    """The DynamoDB calls the server logged per request after `offset`: mean count and the commonest list; and its
    SQL statements on the users table: the most in one request and the mean (the names are one cached lookup)."""
    # A worker logs a request once its response is sent: wait for the last lines of this level to land.
    size, deadline = -1, time.monotonic() + 2
    while time.monotonic() < deadline and (log.stat().st_size if log.exists() else 0) != size:
        size = log.stat().st_size if log.exists() else 0
        time.sleep(0.1)
    text = log.read_text() if log.exists() else ""
    logged = [json.loads(line) for line in text[offset:].splitlines()]
    lists = [tuple(entry["calls"]) for entry in logged]
    summary = {"requests": len(lists)}
    if lists:
        summary["mean_calls"] = round(sum(map(len, lists)) / len(lists), 2)
        summary["commonest"] = list(Counter(lists).most_common(1)[0][0])
        user_queries = [entry["user_queries"] for entry in logged]
        summary["max_user_queries"] = max(user_queries)
        summary["mean_user_queries"] = round(sum(user_queries) / len(user_queries), 3)
    return summary, len(text)


def batch_write(client, table: str, items: list[dict]) -> None:
    """Write items (DynamoDB JSON) through boto3's batch writer, which sends 25 at a time and resends what
    DynamoDB left unprocessed; 8 writers in flight."""
    def write(chunk):
        with BatchWriter(table, client) as writer:
            for item in chunk:
                writer.put_item(Item=item)

    writers = 8
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, [items[i::writers] for i in range(writers)]))


def past_times(count: int) -> list[str]:
    """`count` distinct timestamps, a millisecond apart, ending a day ago (older than anything the bench sends)."""
    end = datetime.now(UTC) - timedelta(days=1)
    return [format_time(end - timedelta(milliseconds=i)) for i in range(count)]


def fill_conversation(client, group_uuid: str, sender: UserRef, count: int) -> None:
    batch_write(client, TABLE, [
        items.message_item(Message(group_uuid, str(uuid.uuid4()), created_at, f"old {i}", sender))
        for i, created_at in enumerate(past_times(count))
    ])


def fill_groups(client, owner_uuid: str, count: int) -> None:
    batch_write(client, TABLE, [
        items.group_item(owner_uuid, sort_key, str(uuid.uuid4()),
                         UserRef(str(uuid.uuid4()), f"other{i}", f"Other {i}"), "last")
        for i, sort_key in enumerate(past_times(count))
    ])


def side_by_side(first, second, count: int, duration: float) -> tuple[dict, dict]:
    """`first(i)` then `second(i)`, in turn, `count` times: both are timed on the same machine at the same moment
    (the machine is shared and noisy). A call returning False is a failed API request."""
    latencies = ([], [])
    stop_at = time.monotonic() + duration
    for index in range(count):
        if time.monotonic() > stop_at:
            break
        for call, timed in zip((first, second), latencies, strict=True):
            started = time.perf_counter()
            if call(index) is False:
                raise RuntimeError("an API request failed during the side-by-side run")
            timed.append(time.perf_counter() - started)
    return tuple(summarize(timed, 0, sum(timed)) for timed in latencies)


def measure_scale(base: str, headers: dict, sender_ref: UserRef, client, args) -> dict:
    """p50 of the same list request on a small and a large conversation, and for a user with few and many
    conversations, measured side by side. The same page size (10) for both, so only the table's size differs."""
    from users.models import User

    def conversation_of(peer: str, count: int) -> str:
        sent = requests.post(f"{base}/api/messages", headers=headers, json={"message": "hi", "handle": peer},
                             timeout=30)
        sent.raise_for_status()
        group_uuid = sent.json()["message_group_uuid"]
        fill_conversation(client, group_uuid, sender_ref, count - 1)
        return f"/api/messages/{group_uuid}?limit=10"

    def owner_of(handle: str, count: int) -> dict:
        fill_groups(client, str(User.objects.get_by_handle(handle).uuid), count)
        return token_headers(base, handle)

    cases = {
        "messages": [("messages small (100 messages)", conversation_of("jake", 100), headers),
                     (f"messages large ({args.scale_messages} messages)",
                      conversation_of("ice", args.scale_messages), headers)],
        "groups": [("groups small (10 conversations)", "/api/message_groups?limit=10", owner_of("londo", 10)),
                   (f"groups large ({args.scale_groups} conversations)", "/api/message_groups?limit=10",
                    owner_of("sean", args.scale_groups))],
    }
    http = http_client()

    def get(path: str, auth: dict):
        return lambda i: http.request("GET", f"{base}{path}", headers=auth).status == 200

    scale = {}
    for kind, ((small, small_path, small_auth), (large, large_path, large_auth)) in cases.items():
        scale[small], scale[large] = side_by_side(get(small_path, small_auth), get(large_path, large_auth),
                                                  args.requests, args.duration)
        scale[f"ratio_{kind}_large_vs_small"] = round(scale[large]["p50_ms"] / scale[small]["p50_ms"], 2)
    return scale


def measure_cache_cost(env: dict, args, redis_base: str, headers: dict, group_uuid: str) -> dict:
    """The same requests, in turn, to this gunicorn (the cache in Redis) and to a second one on local memory (same
    DynamoDB, users and token key): the difference is what the shared cache costs per request."""
    without_redis = {name: value for name, value in env.items() if name != "REDIS_URL"}
    cost = {}
    with gunicorn(without_redis, args.workers, args.server_python) as (_, local_base):
        http = http_client()

        def get(base: str, path: str):
            return lambda i: http.request("GET", f"{base}{path}", headers=headers).status == 200

        for path in ("/api/users/@bayko/short", "/api/message_groups", f"/api/messages/{group_uuid}"):
            side_by_side(get(redis_base, path), get(local_base, path), args.warmup, 60)
            redis_row, local_row = side_by_side(get(redis_base, path), get(local_base, path), args.requests,
                                                args.duration)
            cost[path] = {"redis": redis_row, "local_memory": local_row,
                          "p50_difference_ms": round(redis_row["p50_ms"] - local_row["p50_ms"], 2)}
    return cost


def count_mark_read_calls(base: str, sender_headers: dict, reader_headers: dict, group_uuid: str, calls_log: Path,
                          calls_offset: int) -> dict:
    """The DynamoDB calls of one mark-read of each kind (counted, not timed): after a new message, with nothing
    new, and up to an older message (the bounded extra read)."""
    calls = {}

    def post(path, headers, body):
        response = requests.post(f"{base}{path}", headers=headers, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    first = post("/api/messages", sender_headers, {"message": "read me", "message_group_uuid": group_uuid})
    post("/api/messages", sender_headers, {"message": "and me", "message_group_uuid": group_uuid})
    _, calls_offset = ddb_calls_since(calls_log, calls_offset)
    read = f"/api/messages/{group_uuid}/read"
    for name, body in (("up to an older message", {"up_to": first["created_at"]}), ("to the newest", {}),
                       ("nothing new", {})):
        post(read, reader_headers, body)
        calls[f"POST /api/messages/<uuid>/read ({name})"], calls_offset = ddb_calls_since(calls_log, calls_offset)
    return calls


class OnlyWriterMemory(dict):
    """The floor's conversation cache: the bench process is the only writer of the conversation its floor
    continues, so what it remembers of its own writes is always current."""

    shared = True

    def set(self, message_group_uuid: str, item: dict) -> None:
        self[message_group_uuid] = item


def run(args) -> dict:
    results = {"args": vars(args), "cores": os.cpu_count(), "api": {}, "floor": {}}
    settings = {**PRODUCTION_SETTINGS, "SECRET_KEY": secrets.token_urlsafe(50)}
    with contextlib.ExitStack() as stack:
        redis_server = stack.enter_context(RedisServer(Path(stack.enter_context(
            tempfile.TemporaryDirectory(prefix="cruddur-bench-redis-"))))) if args.redis else None
        boot = stack.enter_context(booted(TABLE, settings))
        env = boot.env
        env["CRUDDUR_COUNT_DDB_CALLS"] = str(boot.data_dir / "ddb_calls.jsonl")
        # Stream mode's sends as the request makes them; no stream handler runs, so group items are not re-keyed.
        env["MESSAGING_GROUP_UPDATES"] = args.group_updates
        env.pop("REDIS_URL", None)
        if redis_server:
            env["REDIS_URL"] = redis_server.url
        collect_static(env)
        from messaging import ddb
        from messaging.services import user_ref
        from users.models import User

        add_bench_users(env, clients=max(args.concurrency), new_conversations=args.requests * len(args.concurrency))
        with gunicorn(env, args.workers, args.server_python) as (process, base):
            workload = api_workload(base, clients=max(args.concurrency))
            headers, group_uuid, endpoints = workload.headers, workload.group_uuid, workload.requests
            store = ddb.get_store()
            sender = User.objects.get_by_handle(SENDER)
            sender_uuid, sender_ref = str(sender.uuid), user_ref(user=sender)

            # The design's minimum made bare: one Query for each read, one TransactWriteItems for a continued send
            # (the floor's own store remembers the conversation it alone writes, as a warm shared cache does). Its
            # writes bypass the server, so they go to a conversation no API request writes: in one the API writes
            # too they would leave the server's cache entry behind.
            floor_store = MessageStore(ddb.get_client(), ddb.table_name(), group_updates=args.group_updates,
                                       conversation_cache=OnlyWriterMemory())
            floor_group_uuid = start_conversation(base, headers, FLOOR_PEER)
            floors = {
                "GET /api/message_groups": lambda i: store.list_groups(user_uuid=sender_uuid, limit=20),
                "GET /api/messages/<uuid>": lambda i: store.list_messages(message_group_uuid=group_uuid, limit=20),
                "POST /api/messages (continue)": lambda i: floor_store.send_in_conversation(
                    conversation=floor_store.get_conversation_of_member(message_group_uuid=floor_group_uuid,
                                                                        member_uuid=sender_uuid),
                    sender=sender_ref, text=f"floor {i}"),
            }
            # Untimed warm-up: DynamoDB Local's JIT and both workers' caches start cold.
            for name, floor_call in floors.items():
                side_by_side(functools.partial(endpoints[name], http_client()), floor_call, args.warmup, 60)
            calls_log, calls_offset = Path(env["CRUDDUR_COUNT_DDB_CALLS"]), 0
            _, calls_offset = ddb_calls_since(calls_log, calls_offset)
            results["ddb_calls_per_request"] = {}
            if redis_server:
                results["redis_commands_per_request"] = {}
                redis_commands = redis_server.commands_processed()
            for name, make_request in endpoints.items():
                levels = results["api"][name] = {}
                for n in args.concurrency:
                    if n == 1 and name in floors:
                        levels["1"], results["floor"][name] = side_by_side(
                            functools.partial(make_request, http_client()), floors[name], args.requests,
                            args.duration)
                    else:
                        levels[str(n)] = drive(make_request, n, args.requests, args.duration)
                results["ddb_calls_per_request"][name], calls_offset = ddb_calls_since(calls_log, calls_offset)
                if redis_server:
                    # The floor's direct calls never touch Redis: only the API requests count.
                    before, redis_commands = redis_commands, redis_server.commands_processed()
                    served = sum(row["requests"] for row in levels.values())
                    results["redis_commands_per_request"][name] = round((redis_commands - before) / served, 2)
            results["ddb_calls_per_request"].update(
                count_mark_read_calls(base, headers, token_headers(base, PEER), group_uuid, calls_log, calls_offset))
            if redis_server:
                results["cache_cost"] = measure_cache_cost(env, args, base, headers, group_uuid)
            # The scale tables are seeded in bulk (batch writes no web request makes): the operator commands'
            # generous limits, not the web request's deadline that the gunicorn under test keeps.
            with ddb.operator_limits():
                results["scale"] = measure_scale(base, headers, sender_ref, ddb.get_client(), args)
            results["worker_peak_rss_mb"] = worker_peak_rss_mb(process.pid)

    results["ratio_p50_vs_floor_n1"] = {
        name: round(results["api"][name]["1"]["p50_ms"] / floor["p50_ms"], 2)
        for name, floor in results["floor"].items()
        if "1" in results["api"][name] and results["api"][name]["1"]["p50_ms"]
    }
    return results


def format_table(results: dict) -> str:
    lines = [f"{'endpoint':32} {'N':>3} {'req':>5} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"]
    for name, levels in results["api"].items():
        for n, row in levels.items():
            lines.append(f"{name:32} {n:>3} {row['requests']:>5} {row['errors']:>4} {row['req_per_s']:>8} "
                         f"{row['p50_ms']!s:>8} {row['p99_ms']!s:>8}")
    for name, row in results["floor"].items():
        ratio = results["ratio_p50_vs_floor_n1"].get(name)
        lines.append(f"floor {name:26}   1 {row['requests']:>5}    0 {row['req_per_s']:>8} {row['p50_ms']!s:>8} "
                     f"{row['p99_ms']!s:>8}  endpoint/floor p50 = {ratio}")
    for name, row in results["scale"].items():
        lines.append(f"scale {name}: {row}")
    for name, calls in results["ddb_calls_per_request"].items():
        lines.append(f"DynamoDB calls per request {name}: {calls.get('mean_calls')} ({calls.get('commonest')}); "
                     f"user-table queries: at most {calls.get('max_user_queries')}, "
                     f"mean {calls.get('mean_user_queries')}")
    lines.append(f"gunicorn worker peak RSS: {results['worker_peak_rss_mb']} MB")
    for path, row in results.get("cache_cost", {}).items():
        lines.append(f"cache cost GET {path}: p50 {row['redis']['p50_ms']} ms with Redis, "
                     f"{row['local_memory']['p50_ms']} ms with local memory ({row['p50_difference_ms']:+} ms)")
    for name, commands in results.get("redis_commands_per_request", {}).items():
        lines.append(f"Redis commands per request {name}: {commands}")
    lines.append(f"cache: {'Redis (REDIS_URL)' if results['args']['redis'] else 'local memory'}; "
                 f"group updates: {results['args']['group_updates']}")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = bench_arguments(__doc__)
    parser.add_argument("--quick", action="store_true", help="100 requests per level, at most 10 s each")
    parser.add_argument("--requests", type=int, default=500, help="requests per endpoint and concurrency level")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds at most per level")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--scale-messages", type=int, default=100_000, help="messages in the large conversation")
    parser.add_argument("--scale-groups", type=int, default=1000, help="conversations of the user with many")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests per endpoint before measuring")
    parser.add_argument("--server-python", default=sys.executable,
                        help="the interpreter gunicorn runs with: a virtualenv made from requirements.txt alone"
                             " measures the worker as deployed, without the test tools DRF imports when present")
    parser.add_argument("--redis", action="store_true",
                        help="start a redis-server and give the app REDIS_URL (the shared cache of a fleet)")
    parser.add_argument("--group-updates", choices=["inline", "stream"], default="inline",
                        help="the server's MESSAGING_GROUP_UPDATES (stream: what a send costs the request)")
    parser.add_argument("--compare-with", metavar="REF",
                        help="a git ref: drive its code (a temporary worktree) and this tree side by side")
    parser.add_argument("--chart", type=Path, help="with --compare-with: draw the comparison as a PNG here")
    args = parser.parse_args(argv)
    if args.chart and not args.compare_with:
        parser.error("--chart draws a comparison: give --compare-with too")
    if args.quick:
        args.requests, args.duration = 100, 10.0
    return args


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    if args.compare_with:
        results = run_compare(args)
        report(results, format_compare_table(results), args.json)
    else:
        results = run(args)
        report(results, format_table(results), args.json)
    if args.chart:
        from bench.chart import write_chart  # matplotlib is a dev requirement, needed only here

        write_chart(results, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
