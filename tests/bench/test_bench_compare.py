"""Old and new side by side (`bench/run.py --compare-with`) and its chart run end to end with tiny numbers. The
old tree is HEAD itself, so the test needs no particular history."""
import json

import pytest

from bench.compare import COMPARED_ENDPOINTS
from bench.worktree import git
from tests.support.bench_scripts import run_bench_script

pytestmark = pytest.mark.ddb_local

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def worktree_paths() -> set[str]:
    return {line for line in git("worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")}


def test_compare_drives_both_trees_at_every_level_and_draws_the_chart(tmp_path):
    out, chart = tmp_path / "compare.json", tmp_path / "chart.png"
    before = worktree_paths()
    head = git("rev-parse", "--short", "HEAD").strip()
    result = run_bench_script(
        "run.py", "--compare-with", "HEAD", "--requests", "3", "--warmup", "2", "--duration", "5",
        "--concurrency", "1", "2", "--workers", "1", "--json", str(out), "--chart", str(chart), timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(out.read_text())

    assert results["old"] == {"ref": "HEAD", "commit": head}
    assert list(results["compare"]) == list(COMPARED_ENDPOINTS)
    for name in COMPARED_ENDPOINTS:
        for level in ("1", "2"):
            row = results["compare"][name][level]
            for side in ("old", "new"):
                assert row[side]["errors"] == 0, (name, level, side, row)
                assert row[side]["requests"] == 3 and row[side]["p50_ms"] > 0
            assert row["ratio_req_per_s"] > 0
    assert all(0 < rss < 1024 for rss in results["worker_peak_rss_mb"].values())
    assert "new/old" in result.stdout
    # The old tree's temporary worktree is gone again.
    assert worktree_paths() == before
    assert chart.read_bytes().startswith(PNG_SIGNATURE)


def test_chart_needs_a_comparison():
    result = run_bench_script("run.py", "--chart", "unused.png", timeout=60)
    assert result.returncode == 2
    assert "--chart draws a comparison" in result.stderr
