"""Running the bench's scripts (bench/run.py, bench/soak.py, bench/profile.py) as a developer does."""
import subprocess
import sys
from pathlib import Path

from tests.support.components import require_ddb_local

PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_bench_script(script: str, *args: str, timeout: float) -> subprocess.CompletedProcess:
    """`python bench/<script> args...`; each script boots its own DynamoDB Local and SQLite (bench.harness.booted),
    never the suite's or CI's database."""
    require_ddb_local()
    return subprocess.run([sys.executable, f"bench/{script}", *args], cwd=PROJECT_DIR, timeout=timeout,
                          capture_output=True, text=True)
