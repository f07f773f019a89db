"""`manage.py rundev` (what `make run` runs): DynamoDB Local, demo data, server; Ctrl-C stops both."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import requests

from bench.harness import token_headers
from messaging.devtools.dynamodb_local import free_port, port_is_open
from tests.support.sse import LiveStream

pytestmark = pytest.mark.ddb_local
PROJECT = Path(__file__).resolve().parent.parent


def wait_for(url: str, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def assert_live_events(base_url: str) -> None:
    """The same server streams events (on the in-process bus, no Redis): a message sent arrives on a stream."""
    sender, reader = token_headers(base_url, "bayko"), token_headers(base_url, "andrewbrown")
    stream = LiveStream(base_url, reader)
    try:
        assert stream.status == 200
        stream.wait_for(lambda b: b.retry is not None, 30)
        sent = requests.post(f"{base_url}/api/messages", json={"message": "live in make run", "handle": "andrewbrown"},
                             headers=sender, timeout=30).json()
        stream.wait_for(lambda b: b.event == "message" and b.data["uuid"] == sent["uuid"], 10)
    finally:
        stream.close()


def run_once(data_dir: Path, web_port: int, ddb_port: int) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DATABASE_URL", "DDB_"))}
    env.update(CRUDDUR_DATA_DIR=str(data_dir), DDB_LOCAL_PORT=str(ddb_port), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rundev", f"127.0.0.1:{web_port}", "--noreload"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{web_port}/api/health-check", process) == {"success": True, "ver": 1}
        assert_live_events(f"http://127.0.0.1:{web_port}")
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert not port_is_open(ddb_port), "DynamoDB Local must stop with the server"
    return output


def test_first_run_seeds_and_second_run_reuses_the_data(tmp_path):
    first = run_once(tmp_path, free_port(), free_port())
    assert "table cruddur-messages created" in first
    assert "demo conversation" in first and "5 messages" in first
    assert "DynamoDB Local stopped" in first
    second = run_once(tmp_path, free_port(), free_port())
    assert "already exists" in second
    assert "nothing written" in second


def test_missing_java_is_said_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DATABASE_URL"))}
    env.update(PATH=str(tmp_path), CRUDDUR_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "manage.py", "rundev", "--noreload"], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "CommandError: Java is required to run DynamoDB Local but `java` is not on PATH: install a Java 17 runtime"
        " (e.g. `apt-get install openjdk-17-jre-headless`)"
    ]
