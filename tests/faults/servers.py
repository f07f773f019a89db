"""How the fault tests run the app: a real gunicorn on 127.0.0.1 with SQLite users and our own table."""
from dataclasses import dataclass
from pathlib import Path

from bench.harness import server_env
from tests.faults.limits import DEFAULT_LIMITS

TABLE = "cruddur-messages-faults"


def app_env(endpoint_url: str, data_dir: Path, limits: dict | None = None) -> dict:
    """The server's environment: SQLite users in `data_dir`, inline group updates, the given client limits
    (none given: the app's defaults)."""
    env = server_env(endpoint_url, data_dir, TABLE)
    # The app's default client limits unless given (server_env keeps the users in our own SQLite).
    for name in DEFAULT_LIMITS:
        env.pop(name, None)
    env.update({name: str(value) for name, value in (limits or {}).items()})
    return env


@dataclass
class App:
    process: object  # the gunicorn master (subprocess.Popen)
    base_url: str
    limits: dict
    workers: int
