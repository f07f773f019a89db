"""HTTP servers compared with wrk: the API under gunicorn (sync and gthread), uvicorn and granian.

    .venv/bin/python bench/servers.py --quick
    .venv/bin/python bench/servers.py --connections 8 32 --duration 10 --json servers.json

Boots DynamoDB Local and the users' database once, then every server at once on 127.0.0.1 (the same app, table,
users and token key; the same number of worker processes), each stopped by its own pid at the end, also on
failure. Each cell (client mode x connections x endpoint) runs wrk against every server in turn, the first one
rotating, so all see the same machine at nearly the same moment. Client modes: keep-alive (wrk's default) and
new connections (every request with `Connection: close`). Endpoints: GET /api/message_groups and POST
/api/messages continuing a conversation (each request the next of one conversation per connection), both with
the seeded sender's bearer token. wrk's Lua script (headers, body, a JSON summary) goes to a temp file.
"""
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench import harness  # noqa: E402
from bench.workload import PRODUCTION_SETTINGS, add_bench_users, api_workload  # noqa: E402

TABLE = "cruddur-messages-servers-bench"
SERVERS = {
    "gunicorn sync": lambda env, workers: harness.gunicorn(env, workers, worker_class="sync"),
    "gunicorn gthread": lambda env, workers: harness.gunicorn(env, workers),  # cruddur/gunicorn_conf.py, as deployed
    "uvicorn": lambda env, workers: harness.asgi_server(env, "uvicorn", workers),
    "granian": lambda env, workers: harness.asgi_server(env, "granian", workers),
}
CLIENT_MODES = ("keep-alive", "new connections")
GROUPS, CONTINUE = "GET /api/message_groups", "POST /api/messages (continue)"
RESULT_LINE = re.compile(r"^WRK_RESULT (\{.*\})$", re.MULTILINE)

# wrk calls done() once at the end with every thread's counts merged; latencies are in microseconds. wrk counts
# a response of status 400 or more in errors.status (a 3xx is counted as answered: the API sends none).
LUA_SUMMARY = """
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests": %.0f, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, "non_2xx": %.0f, ' ..
    '"connect_errors": %.0f, "read_errors": %.0f, "write_errors": %.0f, "timeouts": %.0f}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
"""


def lua_string(text: str) -> str:
    """A Lua long string: nothing inside needs escaping (a JSON body or a token never holds `]==]`)."""
    return f"[==[{text}]==]"


def wrk_script(headers: dict, *, close: bool, bodies: list[str] | None = None) -> str:
    """Lua for wrk: the headers of every request, `Connection: close` for new-connection clients, and for a POST
    the JSON bodies taken in turn."""
    # The spaces matter: `t[[==[` would open a long string, not index `t`.
    lines = [f"wrk.headers[ {lua_string(name)} ] = {lua_string(value)}" for name, value in headers.items()]
    if close:
        lines.append('wrk.headers["Connection"] = "close"')
    if bodies:
        lines += [
            'wrk.method = "POST"',
            'wrk.headers["Content-Type"] = "application/json"',
            "local bodies = {" + ", ".join(map(lua_string, bodies)) + "}",
            "local sent = 0",
            "request = function()",
            "  sent = sent + 1",
            "  return wrk.format(nil, nil, nil, bodies[sent % #bodies + 1])",
            "end",
        ]
    return "\n".join(lines) + "\n" + LUA_SUMMARY


def run_wrk(url: str, script: Path, connections: int, duration: float) -> dict:
    """One wrk run; its summary as req/s, p50 and p99 in ms, non-2xx responses and socket errors."""
    command = ["wrk", "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{max(1, round(duration))}s", "--timeout", "10s", "--script", str(script), url]
    output = subprocess.run(command, check=True, capture_output=True, text=True, timeout=duration + 60).stdout
    match = RESULT_LINE.search(output)
    if match is None:
        raise RuntimeError(f"wrk printed no summary: {output[-2000:]}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": int(raw["requests"]),
        "req_per_s": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "non_2xx": int(raw["non_2xx"]),
        "socket_errors": int(raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["timeouts"]),
    }


def run(args) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    clients = max(args.connections)
    results = {"args": vars(args), "cores": os.cpu_count(), "servers": {}}
    settings = {**PRODUCTION_SETTINGS, "SECRET_KEY": secrets.token_urlsafe(50)}
    with contextlib.ExitStack() as stack:
        boot = stack.enter_context(harness.booted(TABLE, settings, in_process=False))
        scripts_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cruddur-bench-wrk-")))
        harness.collect_static(boot.env)
        add_bench_users(boot.env, clients=clients, new_conversations=0)
        bases, processes = {}, {}
        for server in args.servers:
            processes[server], bases[server] = stack.enter_context(SERVERS[server](boot.env, args.workers))
        workload = api_workload(bases[args.servers[0]], clients=clients)
        paths = {GROUPS: "/api/message_groups", CONTINUE: "/api/messages"}
        bodies = {GROUPS: None, CONTINUE: [json.dumps({"message": "wrk", "message_group_uuid": group})
                                           for group in workload.own_groups]}
        scripts = {}
        for mode in CLIENT_MODES:
            for endpoint in paths:
                scripts[mode, endpoint] = scripts_dir / f"{len(scripts)}.lua"
                scripts[mode, endpoint].write_text(
                    wrk_script(workload.headers, close=mode == "new connections", bodies=bodies[endpoint]))

        # Untimed warm-up: every worker's caches and DynamoDB Local's JIT start cold.
        for server in args.servers:
            for endpoint, path in paths.items():
                run_wrk(bases[server] + path, scripts["keep-alive", endpoint], min(args.connections), 1)
        cells = [(mode, n, endpoint) for mode in CLIENT_MODES for n in args.connections for endpoint in paths]
        for index, (mode, n, endpoint) in enumerate(cells):
            turn = index % len(args.servers)
            for server in args.servers[turn:] + args.servers[:turn]:
                row = run_wrk(bases[server] + paths[endpoint], scripts[mode, endpoint], n, args.duration)
                runs = results["servers"].setdefault(server, {"runs": {}})["runs"]
                runs.setdefault(mode, {}).setdefault(str(n), {})[endpoint] = row
        for server in args.servers:
            # One uvicorn worker is served by the process started, with no worker process of its own.
            pid = processes[server].pid
            peak = harness.worker_peak_rss_mb(pid) or round(harness.peak_rss_mb(pid), 1)
            results["servers"][server]["worker_peak_rss_mb"] = peak
    return results


def format_table(results: dict) -> str:
    lines = [f"{'server':17} {'clients':16} {'conns':>5} {'endpoint':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
             f"{'non-2xx':>7} {'sock err':>8}"]
    for server, measured in results["servers"].items():
        for mode, levels in measured["runs"].items():
            for n, endpoints in levels.items():
                for endpoint, row in endpoints.items():
                    lines.append(f"{server:17} {mode:16} {n:>5} {endpoint:30} {row['req_per_s']:>8} "
                                 f"{row['p50_ms']:>8} {row['p99_ms']:>8} {row['non_2xx']:>7} "
                                 f"{row['socket_errors']:>8}")
    for server, measured in results["servers"].items():
        lines.append(f"{server} worker peak RSS: {measured['worker_peak_rss_mb']} MB")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = harness.bench_arguments(__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s per wrk run")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--servers", nargs="+", choices=list(SERVERS), default=list(SERVERS))
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = 3.0
    return args


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    results = run(args)
    harness.report(results, format_table(results), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
