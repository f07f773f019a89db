"""The benchmark still runs end to end (tiny numbers), so it cannot rot unnoticed."""
import json
import shutil

import pytest

from tests.support.bench_scripts import run_bench_script
from tests.support.components import require

pytestmark = pytest.mark.ddb_local

ENDPOINTS = ["GET /api/message_groups", "GET /api/messages/<uuid>", "POST /api/messages (continue)",
             "POST /api/messages (continue, one hot conversation)", "POST /api/messages (continue, two writers)",
             "POST /api/messages (new)", "GET /api/message_groups/unread"]


def test_bench_measures_every_endpoint_and_its_floor_without_errors(tmp_path):
    out = tmp_path / "results.json"
    result = run_bench_script(
        "run.py", "--requests", "5", "--warmup", "3", "--duration", "5", "--concurrency", "1", "2",
        "--workers", "1", "--scale-messages", "200", "--scale-groups", "20", "--json", str(out), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(out.read_text())

    assert sorted(results["api"]) == sorted(ENDPOINTS)
    for name in ENDPOINTS:
        for level in ("1", "2"):
            row = results["api"][name][level]
            assert row["errors"] == 0, (name, level, row)
            assert row["requests"] == 5 and row["p50_ms"] > 0
    for name in ENDPOINTS[:3]:
        assert results["floor"][name]["p50_ms"] > 0
        assert results["ratio_p50_vs_floor_n1"][name] > 0
    assert 0 < results["worker_peak_rss_mb"] < 1024
    assert results["scale"]["ratio_messages_large_vs_small"] > 0
    assert results["scale"]["ratio_groups_large_vs_small"] > 0


def bench_calls(tmp_path, *options: str, clients: int = 1, requests: int = 4) -> dict:
    """The DynamoDB calls per API request the server itself counted (a botocore hook) in a tiny bench run."""
    out = tmp_path / "results.json"
    result = run_bench_script(
        "run.py", *options, "--requests", str(requests), "--warmup", "3", "--duration", "10", "--concurrency",
        str(clients), "--workers", "1", "--scale-messages", "30", "--scale-groups", "12", "--json", str(out),
        timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(out.read_text())["ddb_calls_per_request"]


def test_bench_counts_the_design_minimum_of_dynamodb_calls_with_the_shared_cache(tmp_path):
    """With Redis (as a fleet runs): every request at the design's minimum of round trips."""
    require(shutil.which("redis-server") is not None, "redis-server")
    calls = bench_calls(tmp_path, "--redis")

    # Every request of the level is counted.
    assert calls["GET /api/message_groups"]["requests"] == 4
    for name in ("GET /api/message_groups", "GET /api/messages/<uuid>", "GET /api/message_groups/unread"):
        assert calls[name]["commonest"] == ["Query"], (name, calls[name])
        assert calls[name]["mean_calls"] == 1, (name, calls[name])
    assert calls["POST /api/messages (continue)"]["commonest"] == ["TransactWriteItems"]
    assert calls["POST /api/messages (continue)"]["mean_calls"] == 1
    assert calls["POST /api/messages (new)"]["commonest"] == ["GetItem", "TransactWriteItems"]
    # Current names: at most one (batched) user lookup per request, none once the names are cached.
    for name in ("GET /api/message_groups", "GET /api/messages/<uuid>", "POST /api/messages (continue)"):
        assert calls[name]["max_user_queries"] <= 1, (name, calls[name])
    # Read state: counted inside the send's own transaction (above), a mark-read to the newest message one write,
    # one older than that a bounded extra Query, and nothing new writes nothing (decided on the stored state).
    assert calls["POST /api/messages/<uuid>/read (to the newest)"]["commonest"] == ["TransactWriteItems"]
    assert calls["POST /api/messages/<uuid>/read (up to an older message)"]["commonest"] == [
        "Query", "TransactWriteItems"]
    assert calls["POST /api/messages/<uuid>/read (nothing new)"]["commonest"] == ["GetItem"]


def test_bench_counts_one_transaction_per_send_when_one_process_serves_every_writer_of_a_conversation(tmp_path):
    """One worker, 4 clients sending at once into one conversation: the process's writers take turns
    (store/turns.py), each starting from the state the one before it committed, so none is cancelled."""
    require(shutil.which("redis-server") is not None, "redis-server")
    calls = bench_calls(tmp_path, "--redis", clients=4, requests=24)
    for name in ("POST /api/messages (continue, one hot conversation)", "POST /api/messages (continue, two writers)"):
        assert calls[name]["commonest"] == ["TransactWriteItems"], (name, calls[name])
        assert calls[name]["mean_calls"] == 1, (name, calls[name])


def test_bench_counts_a_read_before_each_write_with_a_cache_of_each_process_its_own(tmp_path):
    """Local memory (no REDIS_URL): membership still comes from the cache, but a send reads the conversation
    first, since another worker's write may have left this worker's entry behind."""
    calls = bench_calls(tmp_path)
    assert calls["GET /api/messages/<uuid>"]["commonest"] == ["Query"]
    assert calls["POST /api/messages (continue)"]["commonest"] == ["GetItem", "TransactWriteItems"]
    assert calls["POST /api/messages/<uuid>/read (to the newest)"]["commonest"] == ["GetItem", "TransactWriteItems"]


def test_transactions_bench_measures_every_shape_of_a_send(tmp_path):
    out = tmp_path / "transactions.json"
    result = run_bench_script("transactions.py", "--threads", "1", "2", "--writes", "4", "--rounds", "1",
                              "--json", str(out), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    (last,) = json.loads(out.read_text())["rounds"]
    assert sorted(last) == ["1", "2"]
    for rates in last.values():
        assert len(rates) == 7 and all(rate > 0 for rate in rates.values()), rates
    assert "+ 2 block checks (a continued send)" in result.stdout


def test_profile_shows_where_a_request_spends_its_time():
    result = run_bench_script("profile.py", "groups", "--requests", "30", timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "MessageGroupViewSet.list" in result.stdout
    assert "MessageStore.list_groups" in result.stdout


def test_bench_runs_with_the_shared_cache_in_redis(tmp_path):
    """--redis: the server's cache is a redis-server of the bench's own, used by every API request."""
    require(shutil.which("redis-server") is not None, "redis-server")
    out = tmp_path / "results.json"
    result = run_bench_script(
        "run.py", "--redis", "--requests", "4", "--warmup", "3", "--duration", "5", "--concurrency", "1",
        "--workers", "1", "--scale-messages", "30", "--scale-groups", "12", "--json", str(out), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(out.read_text())
    assert all(row["errors"] == 0 for levels in results["api"].values() for row in levels.values())
    # The user lookup's read, and a read and a write for each of the two throttles.
    assert results["redis_commands_per_request"]["GET /api/message_groups"] >= 5
    assert "cache: Redis (REDIS_URL)" in result.stdout
    # Side by side with a second gunicorn on local memory, same requests in turn.
    for path in ("/api/users/@bayko/short", "/api/message_groups"):
        cost = results["cache_cost"][path]
        assert cost["redis"]["requests"] == cost["local_memory"]["requests"] == 4
