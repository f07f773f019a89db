"""The soak (bench/soak.py), shortened: 32 clients for 10 s lose nothing, duplicate nothing, break no invariant."""
import json

import pytest

from tests.support.bench_scripts import run_bench_script

pytestmark = pytest.mark.ddb_local


def test_32_clients_for_10_seconds_lose_and_duplicate_nothing(tmp_path):
    out = tmp_path / "soak.json"
    result = run_bench_script("soak.py", "--clients", "32", "--duration", "10", "--json", str(out), timeout=150)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(out.read_text())

    assert figures["acknowledged"] > 0
    assert figures["verified"] == figures["acknowledged"]
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["violations"] == 0, figures["violation_examples"]
    # Both members' unread counts in every conversation, each equal to its messages (else a violation).
    assert figures["unread_counts_checked"] == 2 * figures["conversations"]
    assert figures["rejected"] == 0
    # New conversations were started beside the 21 between the demo users, and same-key retries happened.
    assert figures["conversations"] > 21
    assert figures["retried_sends"] > 0
    assert figures["table_messages"] == figures["acknowledged"] + figures["unacknowledged_stored"]
