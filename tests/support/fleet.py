"""The environment of a fleet's app instance: the fault tests' app, small budgets and a shared Redis; and a
change to a user saved as another process would save it (the ORM's save, so its signals run)."""
import subprocess
import sys
from pathlib import Path

from bench.harness import PROJECT_DIR
from tests.faults.servers import app_env

# Small budgets, so a test reaches them in a few requests; the counters are flushed before each test.
FLEET_RATES = {"API_THROTTLE_AUTH_TOKEN": "6/min", "API_THROTTLE_USER": "5/min"}


def fleet_env(endpoint_url: str, data_dir: Path, redis_url: str) -> dict:
    return {**app_env(endpoint_url, data_dir), **FLEET_RATES, "REDIS_URL": redis_url}


def save_user(env: dict, who: str, **fields) -> None:
    """Set `fields` on the user whose handle is `who` and save it, in a process of its own on the fleet's settings."""
    changes = "; ".join(f"u.{name} = {value!r}" for name, value in fields.items())
    code = ("import django; django.setup(); from users.models import User; "
            f"u = User.objects.get_by_handle({who!r}); {changes}; u.save()")
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, check=True, timeout=60)
