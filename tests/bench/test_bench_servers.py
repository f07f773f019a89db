"""The HTTP servers' bench (bench/servers.py, wrk) runs end to end with tiny numbers; without wrk it fails under
CI=true and is skipped elsewhere (never counted as a pass)."""
import json
import shutil

import pytest

from tests.support.bench_scripts import run_bench_script
from tests.support.components import require

pytestmark = pytest.mark.ddb_local

SERVERS = ["gunicorn sync", "gunicorn gthread", "uvicorn", "granian"]
ENDPOINTS = ["GET /api/message_groups", "POST /api/messages (continue)"]


def test_every_server_answers_keep_alive_and_new_connection_clients_without_errors(tmp_path):
    require(shutil.which("wrk") is not None, "wrk")
    out = tmp_path / "servers.json"
    result = run_bench_script("servers.py", "--duration", "1", "--connections", "2", "--workers", "1",
                              "--json", str(out), timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    servers = json.loads(out.read_text())["servers"]

    assert sorted(servers) == sorted(SERVERS)
    for server, measured in servers.items():
        assert sorted(measured["runs"]) == ["keep-alive", "new connections"]
        for mode, levels in measured["runs"].items():
            for endpoint in ENDPOINTS:
                row = levels["2"][endpoint]
                assert row["requests"] > 0 and row["req_per_s"] > 0 and row["p50_ms"] > 0, (server, mode, row)
                # Every request authenticated and answered 2xx: the token and the JSON body reached the app.
                assert row["non_2xx"] == 0 and row["socket_errors"] == 0, (server, mode, endpoint, row)
        assert 0 < measured["worker_peak_rss_mb"] < 1024
    assert "worker peak RSS" in result.stdout
