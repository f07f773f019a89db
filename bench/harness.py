"""What the benchmark, the soak, the profile and the fault tests share: the boot sequence (a temp dir,
DynamoDB Local and gunicorn on 127.0.0.1, started and stopped by their own pids, the users' database and
the table made as an operator makes them) and concurrent HTTP clients with latency summaries."""
import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import redis
import requests
import urllib3

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from messaging.devtools.dynamodb_local import DynamoDBLocal, free_port, port_is_open  # noqa: E402


def gunicorn_config(project_dir: Path = PROJECT_DIR) -> str:
    """The deployed gunicorn settings of that tree (threaded workers), so what is measured is what runs."""
    return str(project_dir / "cruddur" / "gunicorn_conf.py")


# users.seed.DEFAULT_SEED_PASSWORD (not imported: that module needs Django set up first).
PASSWORD = "cruddur-demo-password"


def p99(values: list[float]) -> float:
    if len(values) < 2:  # quantiles() needs two points
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def summarize(latencies: list[float], errors: int, elapsed: float) -> dict:
    return {
        "requests": len(latencies) + errors,
        "errors": errors,
        "req_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(p99(latencies) * 1000, 2) if latencies else None,
    }


def server_env(endpoint_url: str, data_dir: Path, table: str) -> dict:
    """The environment of a 127.0.0.1 gunicorn on the embedded dev settings, its throttles raised."""
    env = dict(os.environ)
    # Seeded users log in with PASSWORD, groups are updated inline, nothing is counted unless asked, and the
    # users live in SQLite in `data_dir`, never in a shared (or CI's) database.
    for name in ("SEED_USER_PASSWORD", "MESSAGING_GROUP_UPDATES", "CRUDDUR_COUNT_DDB_CALLS", "DATABASE_URL"):
        env.pop(name, None)
    env.update({
        "AWS_ENDPOINT_URL": endpoint_url,
        "DDB_MESSAGE_TABLE": table,
        "CRUDDUR_DATA_DIR": str(data_dir),
        "DEBUG": "true",  # the embedded dev settings: no SECRET_KEY or TLS needed on 127.0.0.1
        # The load comes from one address and few users; the throttles would otherwise turn it into 429s.
        # They still run on every request, but over a one-second window: a minute's window would keep and
        # re-pickle every timestamp of the last minute (6,000 at 100 req/s, ~0.4 ms per request).
        "API_THROTTLE_IP": "100000/s",
        "API_THROTTLE_USER": "100000/s",
        "API_THROTTLE_AUTH_TOKEN": "1000/min",
        "DJANGO_SETTINGS_MODULE": "cruddur.settings",
    })
    return env


def manage(env: dict, *args: str, project_dir: Path = PROJECT_DIR) -> None:
    """`manage.py args` of the tree at `project_dir` (another checkout runs its own code and migrations)."""
    subprocess.run([sys.executable, "manage.py", *args], cwd=project_dir, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=120)


# Run by `manage.py shell`, so that each tree creates the users with its own model.
_ADD_USERS = """
import os
from django.contrib.auth.hashers import make_password
from users.models import User
password = make_password(os.environ["BENCH_PASSWORD"])  # hashed once: one PBKDF2 run for them all
User.objects.bulk_create([User(handle=handle, display_name=handle.title(), email=f"{handle}@example.invalid",
                               password=password) for handle in os.environ["BENCH_NEW_HANDLES"].split()])
"""


def add_users(env: dict, handles: list[str], project_dir: Path = PROJECT_DIR) -> None:
    """Users who log in with PASSWORD, in the users' database of the server with `env`."""
    manage({**env, "BENCH_NEW_HANDLES": " ".join(handles), "BENCH_PASSWORD": PASSWORD}, "shell", "-c", _ADD_USERS,
           project_dir=project_dir)


def collect_static(env: dict, project_dir: Path = PROJECT_DIR) -> None:
    """`collectstatic` into the boot's temp dir, as deployed: WhiteNoise holds the files' index."""
    env["STATIC_ROOT"] = str(Path(env["CRUDDUR_DATA_DIR"]).parent / "static")
    manage(env, "collectstatic", "--no-input", project_dir=project_dir)


# What this process's own Django (ORM, table client) takes from the server's environment, beside the
# settings given to booted().
IN_PROCESS_SETTINGS = ("AWS_ENDPOINT_URL", "DDB_MESSAGE_TABLE", "CRUDDUR_DATA_DIR", "DEBUG", "DJANGO_SETTINGS_MODULE")


@dataclass(frozen=True)
class Boot:
    tmp_dir: Path  # this run's files
    data_dir: Path  # the users' SQLite (CRUDDUR_DATA_DIR)
    env: dict  # the server's environment (server_env and the settings given)


@contextlib.contextmanager
def booted(table: str, settings: Mapping[str, str] | None = None, *, tmp_dir: Path | None = None,
           endpoint_url: str | None = None, in_process: bool = True,
           project_dir: Path = PROJECT_DIR) -> Iterator[Boot]:
    """The app's state, made as an operator makes it: a temp dir (or `tmp_dir`), a DynamoDB Local of its own
    (or the one at `endpoint_url`), `migrate`, `ddb schema-load`, `seed_users`, each run by the tree at
    `project_dir`; with `in_process` (this tree only), this process's Django set up on the same database and
    table. Everything started is stopped at the end."""
    with contextlib.ExitStack() as stack:
        if tmp_dir is None:
            tmp_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=f"{table}-")))
        if endpoint_url is None:
            endpoint_url = stack.enter_context(DynamoDBLocal(data_dir=tmp_dir / "ddb")).endpoint_url
        data_dir = tmp_dir / "data"
        data_dir.mkdir(exist_ok=True)
        env = {**server_env(endpoint_url, data_dir, table), **(settings or {})}
        for command in (("migrate", "--no-input"), ("ddb", "schema-load"), ("seed_users",)):
            manage(env, *command, project_dir=project_dir)
        if in_process:
            os.environ.pop("DATABASE_URL", None)
            os.environ.update({name: env[name] for name in IN_PROCESS_SETTINGS}, **(settings or {}))
            import django
            django.setup()
        yield Boot(tmp_dir, data_dir, env)


def bench_arguments(doc: str) -> argparse.ArgumentParser:
    """A bench script's command line, with what every server bench takes: --workers and --json."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes per server")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser


def report(results: dict, table: str, json_path: Path | None) -> None:
    """A bench's table to stdout and, when asked (--json), its results as JSON."""
    sys.stdout.write(table)
    if json_path:
        json_path.write_text(json.dumps(results, indent=2, default=str))


def wait_until_listening(process: subprocess.Popen, port: int, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not port_is_open(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.1)


@contextlib.contextmanager
def serving(command: list[str], env: dict, what: str, port: int, project_dir: Path = PROJECT_DIR):
    """A server process started from `project_dir`, listening on 127.0.0.1:`port`, stopped by its pid at the end
    (killed if it has not stopped 15 s after SIGTERM): (process, base url)."""
    process = subprocess.Popen(command, cwd=project_dir, env=env)
    try:
        wait_until_listening(process, port, what)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def gunicorn(env: dict, workers: int, python: str = sys.executable, *, project_dir: Path = PROJECT_DIR,
             worker_class: str | None = None):
    """gunicorn on `cruddur.wsgi` of the tree at `project_dir`, with that tree's deployed config; `worker_class`
    overrides the config's (e.g. "sync", to measure it): (process, base url)."""
    port = free_port()
    command = [python, "-m", "gunicorn", "cruddur.wsgi", "--config", gunicorn_config(project_dir),
               "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if worker_class:
        command += ["--worker-class", worker_class]
    return serving(command, env, "gunicorn", port, project_dir)


ASGI_APP = "cruddur.asgi:application"
ASGI_SERVERS = ("uvicorn", "granian", "daphne")


def asgi_command(server: str, port: int, workers: int, python: str = sys.executable) -> list[str]:
    """How each ASGI server is started on `cruddur.asgi:application` (the production choice is uvicorn: see
    docs/PERFORMANCE.md for the measurement; the others are here to be measured side by side)."""
    if server == "uvicorn":
        return [python, "-m", "uvicorn", ASGI_APP, "--host", "127.0.0.1", "--port", str(port), "--workers",
                str(workers), "--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    if server == "granian":
        return [python, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--log-level", "warning", "--no-ws", ASGI_APP]
    if server == "daphne":  # one process: it has no workers of its own
        return [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", ASGI_APP]
    raise ValueError(server)


def asgi_server(env: dict, server: str = "uvicorn", workers: int = 1, python: str = sys.executable):
    """An ASGI server on 127.0.0.1 on a free port, stopped by its pid: (process, base url)."""
    port = free_port()
    return serving(asgi_command(server, port, workers, python), env, server, port)


def rss_mb(pid: int) -> float:
    """The resident memory of a process now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pids(master_pid: int) -> set[int]:
    """The gunicorn master's children: its workers (one killed for hanging comes back with a new pid)."""
    children = set()
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        children.update(int(pid) for pid in (task / "children").read_text().split())
    return children


def peak_rss_mb(pid: int) -> float:
    """The largest resident memory a process has had (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def worker_peak_rss_mb(master_pid: int) -> float | None:
    """The largest VmHWM among a server master's workers (gunicorn's, or an ASGI server's processes)."""
    peaks = [peak_rss_mb(pid) for pid in worker_pids(master_pid)]
    return round(max(peaks), 1) if peaks else None


def token_headers(base: str, handle: str, session=requests) -> dict:
    """`Authorization` for a seeded user, from POST /api/auth/token."""
    answer = session.post(f"{base}/api/auth/token", json={"username": handle, "password": PASSWORD}, timeout=60)
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def http_client() -> urllib3.PoolManager:
    """A lean HTTP client, so the latency measured is the server's rather than a client library's
    (requests.Session costs ~0.6 ms per request on this machine, urllib3 a third of that)."""
    return urllib3.PoolManager(maxsize=1, retries=False, timeout=30.0)


def drive(make_request, concurrency: int, total: int, duration: float) -> dict:
    """`total` requests (at most `duration` seconds) from `concurrency` threads, each with its own http_client()."""
    latencies, errors, issued = [], [0], [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client():
        session = http_client()
        while True:
            with lock:
                if issued[0] >= total or time.monotonic() > stop_at:
                    return
                index = issued[0]
                issued[0] += 1
            started = time.perf_counter()
            try:
                ok = make_request(session, index)
            except urllib3.exceptions.HTTPError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(client)
    return summarize(latencies, errors[0], time.perf_counter() - began)


class RedisServer:
    """A redis-server of our own on 127.0.0.1 (a free port, nothing saved to disk), stopped by its pid.

    The fleet tests also kill, freeze (SIGSTOP) and restart it on the same port."""

    def __init__(self, work_dir: Path, port: int | None = None):
        self.work_dir = work_dir
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.frozen = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.work_dir), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not port_is_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def commands_processed(self) -> int:
        """Commands the server has run since it started (INFO stats; this INFO itself counts from the next)."""
        with redis.Redis.from_url(self.url) as client:
            return client.info("stats")["total_commands_processed"]

    def kill(self) -> None:
        self.thaw()
        self.process.kill()
        self.process.wait(15)

    def freeze(self) -> None:
        """SIGSTOP: connections are still accepted (by the kernel), but nothing answers."""
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.frozen:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(15)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
