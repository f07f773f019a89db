"""Another commit's code beside this one: a temporary detached `git worktree`, removed at the end."""
import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.harness import PROJECT_DIR


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT_DIR, check=True, capture_output=True, text=True,
                          timeout=120).stdout


@contextlib.contextmanager
def detached_worktree(ref: str) -> Iterator[Path]:
    """The tree of `ref` checked out in a temp dir; the worktree is removed at the end, also on failure."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    with tempfile.TemporaryDirectory(prefix="cruddur-bench-old-") as parent:
        path = Path(parent) / "tree"
        git("worktree", "add", "--detach", str(path), commit)
        try:
            yield path
        finally:
            git("worktree", "remove", "--force", str(path))
