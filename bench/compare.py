"""Old and new side by side in one run (`bench/run.py --compare-with REF`).

The old code is a temporary detached worktree of REF. Each tree boots with its own commands (migrate,
ddb schema-load, seed_users, collectstatic, run from its own directory) into its own users' database and its own
table on one shared DynamoDB Local, and serves from its own gunicorn (its own deployed config). The same
endpoints are then driven at the same N against both, old and new in turn for each endpoint and level (which
goes first alternates), so both see the same machine at the same moment. With --redis each side gets a
redis-server of its own as its REDIS_URL (the shared cache a fleet runs with); --group-updates applies to both.
"""
import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from bench.harness import (
    PROJECT_DIR,
    RedisServer,
    booted,
    collect_static,
    drive,
    gunicorn,
    worker_peak_rss_mb,
)
from bench.workload import PRODUCTION_SETTINGS, add_bench_users, api_workload
from bench.worktree import detached_worktree, git
from messaging.devtools.dynamodb_local import DynamoDBLocal

TABLE = "cruddur-messages-compare"
SIDES = ("old", "new")
# What the issue's targets are about; the unread total is left out (it is measured by the single run).
COMPARED_ENDPOINTS = ("GET /api/message_groups", "GET /api/messages/<uuid>", "POST /api/messages (continue)",
                      "POST /api/messages (continue, one hot conversation)",
                      "POST /api/messages (continue, two writers)", "POST /api/messages (new)")


def new_tree_commit() -> str:
    """This tree's commit, marked when the working tree has changes not committed."""
    dirty = bool(git("status", "--porcelain", "--untracked-files=no").strip())
    return git("rev-parse", "--short", "HEAD").strip() + ("+changes" if dirty else "")


def run_compare(args) -> dict:
    clients = max(args.concurrency)
    # Each level and the warm-up of the first-message endpoint sends to recipients never written to before.
    new_conversations = args.requests * len(args.concurrency) + args.warmup
    settings = {**PRODUCTION_SETTINGS, "SECRET_KEY": secrets.token_urlsafe(50)}
    results = {"args": vars(args), "cores": os.cpu_count(), "compare": {}, "worker_peak_rss_mb": {},
               "old": {"ref": args.compare_with, "commit": git("rev-parse", "--short", args.compare_with).strip()},
               "new": {"commit": new_tree_commit()}}
    with contextlib.ExitStack() as stack:
        tmp_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cruddur-bench-compare-")))
        trees = {"old": stack.enter_context(detached_worktree(args.compare_with)), "new": PROJECT_DIR}
        endpoint_url = stack.enter_context(DynamoDBLocal(data_dir=tmp_dir / "ddb")).endpoint_url
        servers, workloads = {}, {}
        for side in SIDES:
            tree = trees[side]
            (tmp_dir / side).mkdir()
            boot = stack.enter_context(booted(f"{TABLE}-{side}", settings, tmp_dir=tmp_dir / side,
                                              endpoint_url=endpoint_url, in_process=False, project_dir=tree))
            boot.env.pop("REDIS_URL", None)
            boot.env["MESSAGING_GROUP_UPDATES"] = args.group_updates
            if args.redis:
                (tmp_dir / side / "redis").mkdir()
                boot.env["REDIS_URL"] = stack.enter_context(RedisServer(tmp_dir / side / "redis")).url
            collect_static(boot.env, tree)
            add_bench_users(boot.env, clients=clients, new_conversations=new_conversations, project_dir=tree)
            servers[side], base = stack.enter_context(
                gunicorn(boot.env, args.workers, args.server_python, project_dir=tree))
            workloads[side] = api_workload(base, clients=clients)

        # Untimed warm-up of both: DynamoDB Local's JIT and every worker's caches start cold.
        for name in COMPARED_ENDPOINTS:
            for side in SIDES:
                drive(workloads[side].requests[name], 1, args.warmup, 60)
        for index, (name, n) in enumerate((name, n) for name in COMPARED_ENDPOINTS for n in args.concurrency):
            order = SIDES if index % 2 == 0 else SIDES[::-1]
            rows = {side: drive(workloads[side].requests[name], n, args.requests, args.duration) for side in order}
            old, new = rows["old"]["req_per_s"], rows["new"]["req_per_s"]
            results["compare"].setdefault(name, {})[str(n)] = {
                "old": rows["old"], "new": rows["new"], "ratio_req_per_s": round(new / old, 2) if old else None}
        for side in SIDES:
            results["worker_peak_rss_mb"][side] = worker_peak_rss_mb(servers[side].pid)
    return results


def format_compare_table(results: dict) -> str:
    old, new = results["old"], results["new"]
    cache = "Redis (REDIS_URL)" if results["args"]["redis"] else "local memory"
    lines = [f"old: {old['ref']} ({old['commit']})   new: {new['commit']}   cache: {cache}   "
             f"group updates: {results['args']['group_updates']}",
             f"{'endpoint':51} {'N':>3} {'old req/s':>9} {'new req/s':>9} {'new/old':>7} {'old p50':>8} "
             f"{'new p50':>8} {'old p99':>8} {'new p99':>8} {'errors old/new':>14}"]
    for name, levels in results["compare"].items():
        for n, row in levels.items():
            o, w = row["old"], row["new"]
            lines.append(f"{name:51} {n:>3} {o['req_per_s']:>9} {w['req_per_s']:>9} {row['ratio_req_per_s']!s:>7} "
                         f"{o['p50_ms']!s:>8} {w['p50_ms']!s:>8} {o['p99_ms']!s:>8} {w['p99_ms']!s:>8} "
                         f"{o['errors']:>7}/{w['errors']}")
    rss = results["worker_peak_rss_mb"]
    lines.append(f"gunicorn worker peak RSS: old {rss['old']} MB, new {rss['new']} MB")
    return "\n".join(lines) + "\n"
