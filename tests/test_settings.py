"""Settings come from the environment; each case imports the settings in a fresh interpreter."""
import json
import shutil
import subprocess
import sys

import pytest
from django.db import connection

from tests.support.components import IN_CI
from tests.support.settings_process import PRODUCTION, PROJECT, read_settings, run_python, suite_free_env


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


def test_dot_env_file_is_read_and_environment_variables_win_over_it(tmp_path):
    # The settings as shipped, beside a .env of our own (the project's own .env is the developer's).
    shutil.copytree(PROJECT / "cruddur", tmp_path / "cruddur", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".env").write_text("DDB_MESSAGE_TABLE=table-from-dotenv\n")
    code = "import cruddur.settings as s; print(s.DDB_MESSAGE_TABLE)"

    assert run_python(code, {}, cwd=tmp_path).stdout.strip() == "table-from-dotenv"
    assert run_python(code, {"DDB_MESSAGE_TABLE": "table-from-env"}, cwd=tmp_path).stdout.strip() == "table-from-env"


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


def test_unset_redis_url_keeps_the_cache_in_local_memory():
    values = read_settings({}, "CACHES")
    assert "LocMemCache" in values["CACHES"] and "redis" not in values["CACHES"].lower()


@pytest.mark.parametrize("url", ["redis://cache.internal:6379/0", "rediss://cache.internal:6380/2"])
def test_redis_url_makes_the_cache_redis_with_short_timeouts_and_a_prefix(url):
    code = ("import json; from django.conf import settings as s; c = s.CACHES['default']; "
            "print(json.dumps([c['BACKEND'], c['LOCATION'], c['KEY_PREFIX'], c['OPTIONS']['socket_timeout'], "
            "c['OPTIONS']['socket_connect_timeout']]))")
    result = run_python(code, {"REDIS_URL": url, "REDIS_SOCKET_TIMEOUT": "0.5"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["django.core.cache.backends.redis.RedisCache", url, "cruddur", 0.5, 0.25]


@pytest.mark.parametrize(("url", "reason"), [
    ("http://cache.internal:6379/0", "the scheme must be redis:// or rediss://"),
    ("cache.internal:6379", "the scheme must be redis:// or rediss://"),
    ("unix:///run/redis.sock", "the scheme must be redis:// or rediss://"),
    ("redis://:6379/0", "it names no host"),
    ("redis://cache.internal:port/0", "Port could not be cast to integer"),
    ("redis://cache.internal:99999/0", "Port out of range"),
    ("redis://cache.internal:6379/cache", "the path must be a database number"),
    ("redis://cache.internal:6379/0?socket_timeout=soon", "Invalid value for 'socket_timeout'"),
    ("redis://[::1:6379/0", "Invalid IPv6 URL"),
])
def test_a_bad_redis_url_stops_the_app_at_start(url, reason):
    result = run_python("from django.conf import settings; settings.CACHES", {"REDIS_URL": url})
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL is not a usable Redis URL" in result.stderr
    assert reason in result.stderr and repr(url) in result.stderr
