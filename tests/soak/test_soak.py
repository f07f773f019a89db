"""The soak (bench/soak.py), shortened: 32 clients for 10 s lose nothing, duplicate nothing, break no invariant."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.components import require_ddb_local

pytestmark = pytest.mark.ddb_local

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The soak's own SQLite in its temp dir: never the suite's (or CI's) Postgres database.
SOAK_ENV = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


def test_32_clients_for_10_seconds_lose_and_duplicate_nothing(tmp_path):
    require_ddb_local()
    out = tmp_path / "soak.json"
    result = subprocess.run(
        [sys.executable, "bench/soak.py", "--clients", "32", "--duration", "10", "--json", str(out)],
        cwd=PROJECT_DIR, env=SOAK_ENV, timeout=150, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(out.read_text())

    assert figures["acknowledged"] > 0
    assert figures["verified"] == figures["acknowledged"]
    assert figures["lost"] == 0
    assert figures["duplicated"] == 0
    assert figures["violations"] == 0, figures["violation_examples"]
    assert figures["rejected"] == 0
    # New conversations were started beside the 21 between the demo users, and same-key retries happened.
    assert figures["conversations"] > 21
    assert figures["retried_sends"] > 0
    assert figures["table_messages"] == figures["acknowledged"] + figures["unacknowledged_stored"]
