"""The environment of a fleet's app instance: the fault tests' app, small budgets and a shared Redis."""
from pathlib import Path

from tests.faults.servers import app_env

# Small budgets, so a test reaches them in a few requests; the counters are flushed before each test.
FLEET_RATES = {"API_THROTTLE_AUTH_TOKEN": "6/min", "API_THROTTLE_USER": "5/min"}


def fleet_env(endpoint_url: str, data_dir: Path, redis_url: str) -> dict:
    return {**app_env(endpoint_url, data_dir), **FLEET_RATES, "REDIS_URL": redis_url}
