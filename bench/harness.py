"""What the benchmark and the soak share: DynamoDB Local and gunicorn on 127.0.0.1, started and stopped
by their own pids, and concurrent HTTP clients with latency summaries."""
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import urllib3

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from messaging.ddb_local import free_port, port_is_open  # noqa: E402

# The deployed gunicorn settings (threaded workers), so what is measured is what runs.
GUNICORN_CONFIG = str(PROJECT_DIR / "cruddur" / "gunicorn_conf.py")
# users.seed.DEFAULT_SEED_PASSWORD (not imported: that module needs Django set up first).
PASSWORD = "cruddur-demo-password"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summarize(latencies: list[float], errors: int, elapsed: float) -> dict:
    return {
        "requests": len(latencies) + errors,
        "errors": errors,
        "req_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
    }


def server_env(endpoint_url: str, data_dir: Path, table: str) -> dict:
    """The environment of a 127.0.0.1 gunicorn on the embedded dev settings, its throttles raised."""
    env = dict(os.environ)
    # Seeded users log in with PASSWORD, groups are updated inline, and nothing is counted unless asked.
    for name in ("SEED_USER_PASSWORD", "MESSAGING_GROUP_UPDATES", "CRUDDUR_COUNT_DDB_CALLS"):
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


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=120)


@contextlib.contextmanager
def gunicorn(env: dict, workers: int, python: str = sys.executable):
    port = free_port()
    process = subprocess.Popen(
        [python, "-m", "gunicorn", "cruddur.wsgi", "--config", GUNICORN_CONFIG, "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=PROJECT_DIR, env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not port_is_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def worker_pids(master_pid: int) -> set[int]:
    """The gunicorn master's children: its workers (one killed for hanging comes back with a new pid)."""
    children = set()
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        children.update(int(pid) for pid in (task / "children").read_text().split())
    return children


def worker_peak_rss_mb(master_pid: int) -> float | None:
    """The largest VmHWM among the gunicorn master's workers."""
    peaks = [
        int(line.split()[1]) / 1024
        for pid in worker_pids(master_pid)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    ]
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
