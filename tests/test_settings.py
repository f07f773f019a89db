"""Settings come from the environment; each case imports the settings in a fresh interpreter."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.components import IN_CI

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k7#Qz!v9Lm2@pX4$wR8^tY6&uI0*oP3(aS5)dF1_gH-jK+lZ=xC",
    "ALLOWED_HOSTS": "messages.cruddur.example",
    "DATABASE_URL": "postgres://cruddur:pw@db.internal:5432/cruddur",
}


# The suite's own configuration (tests/settings.py, CI's DATABASE_URL) and the signs of a deployment.
SUITE_SETTINGS = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "FRONTEND_URL",
                  "BACKEND_URL", "AWS_ENDPOINT_URL", "AWS_COGNITO_USER_POOL_ID")


def suite_free_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without the suite's settings, plus `env`: the project's settings as an
    operator who sets exactly `env` gets them."""
    clean = {k: v for k, v in os.environ.items() if k not in SUITE_SETTINGS}
    clean.update({"DJANGO_SETTINGS_MODULE": "cruddur.settings", "CRUDDUR_DATA_DIR": "/tmp/cruddur-settings-test"})
    clean.update(env)
    return clean


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=suite_free_env(env),
                          capture_output=True, text=True, timeout=60)


def read_settings(env: dict[str, str], *names: str) -> dict:
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{n: str(getattr(s, n)) for n in {list(names)!r}}}))")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_unset_database_url_gives_sqlite_in_the_data_dir():
    values = read_settings({}, "DATABASES")
    assert "django.db.backends.sqlite3" in values["DATABASES"]
    assert "/tmp/cruddur-settings-test/db.sqlite3" in values["DATABASES"]


def test_postgres_url_gives_postgres():
    values = read_settings({"DATABASE_URL": "postgres://u:p@db.example:5433/msgs",
                            "SECRET_KEY": PRODUCTION["SECRET_KEY"]}, "DATABASES")
    assert "django.db.backends.postgresql" in values["DATABASES"]
    assert "'HOST': 'db.example'" in values["DATABASES"] and "'PORT': 5433" in values["DATABASES"]


def test_nothing_configured_is_the_debug_embedded_default():
    values = read_settings({}, "DEBUG", "SESSION_COOKIE_SECURE", "DDB_MESSAGE_TABLE")
    assert values == {"DEBUG": "True", "SESSION_COOKIE_SECURE": "False", "DDB_MESSAGE_TABLE": "cruddur-messages"}


def test_a_configured_secret_turns_debug_off_and_cookies_secure():
    values = read_settings(PRODUCTION, "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert set(values.values()) == {"False", "True"}
    assert values["DEBUG"] == "False" and values["SESSION_COOKIE_SECURE"] == "True"


def test_debug_off_without_a_secret_is_refused():
    result = run_python("from django.conf import settings; settings.DEBUG", {"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


PREFLIGHT = """
import django; django.setup()
from django.test import Client
for origin in ("http://localhost:3000", "http://localhost:8000", "https://app.cruddur.example"):
    answer = Client(HTTP_HOST="messages.cruddur.example").options(
        "/api/messages", secure=True, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    print(origin, answer.headers.get("Access-Control-Allow-Origin"))
"""


def allowed_origins(env: dict[str, str]) -> list[str]:
    """The origins a browser's CORS preflight to the API is allowed from, under `env`."""
    result = run_python(PREFLIGHT, env)
    assert result.returncode == 0, result.stderr
    return [origin for origin, allowed in (line.split() for line in result.stdout.splitlines()) if allowed == origin]


def test_a_deployment_without_front_end_urls_allows_no_cross_origin_caller():
    assert allowed_origins(PRODUCTION) == []


def test_a_deployment_allows_the_front_end_it_names_only():
    assert allowed_origins({**PRODUCTION, "FRONTEND_URL": "https://app.cruddur.example/"}) == [
        "https://app.cruddur.example"
    ]


def test_the_embedded_default_allows_the_local_front_end():
    values = read_settings({}, "CORS_ALLOWED_ORIGINS")
    assert values == {"CORS_ALLOWED_ORIGINS": str(["http://localhost:3000", "http://localhost:8000"])}


def test_dot_env_file_is_read(tmp_path):
    # The .env beside manage.py is optional; environment variables win over it.
    code = ("import pathlib, cruddur.settings as s; from dotenv import dotenv_values; "
            "print(dotenv_values(pathlib.Path(s.BASE_DIR) / '.env') is not None)")
    assert run_python(code, {}).stdout.strip() == "True"


def test_check_deploy_passes_with_a_production_configuration():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env=suite_free_env(PRODUCTION),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_ci_runs_the_suite_on_postgres():
    if not IN_CI:
        pytest.skip("only CI is required to run on Postgres")
    assert connection.vendor == "postgresql"
