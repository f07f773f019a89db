"""The settings as a fresh interpreter imports them from a given environment (each case its own process)."""
import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "k7#Qz!v9Lm2@pX4$wR8^tY6&uI0*oP3(aS5)dF1_gH-jK+lZ=xC",
    "ALLOWED_HOSTS": "messages.cruddur.example",
    "DATABASE_URL": "postgres://cruddur:pw@db.internal:5432/cruddur",
}


# The suite's own configuration (tests/settings.py, CI's DATABASE_URL) and the signs of a deployment.
SUITE_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "FRONTEND_URL",
                  "BACKEND_URL", "AWS_ENDPOINT_URL", "AWS_COGNITO_USER_POOL_ID", "DDB_MESSAGE_TABLE")


def suite_free_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without the suite's settings, plus `env`: the project's settings as an
    operator who sets exactly `env` gets them."""
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_SETTINGS}
    clean.update({"DJANGO_SETTINGS_MODULE": "cruddur.settings", "CRUDDUR_DATA_DIR": "/tmp/cruddur-settings-test"})
    clean.update(env)
    return clean


def run_python(code: str, env: dict[str, str], cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=suite_free_env(env),
                          capture_output=True, text=True, timeout=60)


def read_settings(env: dict[str, str], *names: str) -> dict:
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{n: str(getattr(s, n)) for n in {list(names)!r}}}))")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
