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


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in
             ("DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    clean.update({"DJANGO_SETTINGS_MODULE": "cruddur.settings", "CRUDDUR_DATA_DIR": "/tmp/cruddur-settings-test"})
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=clean,
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
    values = read_settings({"DATABASE_URL": "postgres://u:p@db.example:5433/msgs"}, "DATABASES")
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


def test_dot_env_file_is_read(tmp_path):
    # The .env beside manage.py is optional; environment variables win over it.
    code = ("import pathlib, cruddur.settings as s; from dotenv import dotenv_values; "
            "print(dotenv_values(pathlib.Path(s.BASE_DIR) / '.env') is not None)")
    assert run_python(code, {}).stdout.strip() == "True"


def test_check_deploy_passes_with_a_production_configuration():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env={**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "cruddur.settings"},
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
