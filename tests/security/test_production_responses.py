"""Cookies and security headers as a deployment sends them: the settings are imported in a fresh
interpreter with SECRET_KEY and ALLOWED_HOSTS set (so DEBUG is off), a user logs in through the
login page over HTTPS, and the real responses' headers are checked."""
import json
import os
import secrets
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.production_probe import HOST, PAGES

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def observed(tmp_path_factory) -> dict:
    workdir = tmp_path_factory.mktemp("production")
    # Nothing of the suite's own configuration: its DATABASE_URL (Postgres in CI) above all.
    env = {name: value for name, value in os.environ.items()
           if name not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE")}
    env.update({"DJANGO_SETTINGS_MODULE": "cruddur.settings", "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": HOST, "CRUDDUR_DATA_DIR": str(workdir)})
    result = subprocess.run([sys.executable, "-m", "tests.security.production_probe"], cwd=PROJECT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def cookie(set_cookie_headers: list[str], name: str):
    found = [SimpleCookie(header) for header in set_cookie_headers]
    morsels = [jar[name] for jar in found if name in jar]
    assert len(morsels) == 1, set_cookie_headers
    return morsels[0]


def test_logging_in_through_the_page_works_over_https(observed):
    assert observed["login page"]["status"] == 200
    assert (observed["logged in"]["status"], observed["logged in"]["location"]) == (302, "/messages")


def test_plain_http_is_redirected_to_https(observed):
    assert observed["plain http"] == {"status": 301, "location": f"https://{HOST}/login"}


def test_session_cookie_is_httponly_secure_and_samesite(observed):
    session = cookie(observed["logged in"]["set_cookie"], settings.SESSION_COOKIE_NAME)
    assert session["httponly"] is True
    assert session["secure"] is True
    assert session["samesite"] == "Lax"


def test_csrf_cookie_is_secure_and_samesite(observed):
    csrf = cookie(observed["login page"]["set_cookie"], settings.CSRF_COOKIE_NAME)
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


def test_login_rotates_the_csrf_token(observed):
    # A token seen before login is useless after it.
    before = cookie(observed["login page"]["set_cookie"], settings.CSRF_COOKIE_NAME).value
    after = cookie(observed["logged in"]["set_cookie"], settings.CSRF_COOKIE_NAME).value
    assert before != after


EXPECTED_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}



@pytest.mark.parametrize("page", PAGES)
def test_security_headers_on_every_kind_of_response(observed, page):
    response = observed["pages"][page]
    assert response["status"] == (404 if page == "not found" else 200)
    headers = {name: value for name, value in response["headers"].items() if name in EXPECTED_HEADERS}
    # The docs too: SpectacularSwaggerSplitView's page keeps the opener policy (its one-page view relaxed it).
    assert headers == EXPECTED_HEADERS


def test_errors_show_no_debug_page(observed):
    body = observed["pages"]["not found"]["body"]
    assert "Traceback" not in body and "DEBUG = True" not in body and "URLconf" not in body


@pytest.mark.parametrize("page", PAGES)
def test_a_strict_content_security_policy_on_every_kind_of_response(observed, page):
    policy = observed["pages"][page]["headers"]["Content-Security-Policy"]
    assert policy, page
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert directives["default-src"] == directives["script-src"] == "'self'", policy
    assert directives["object-src"] == directives["base-uri"] == directives["frame-ancestors"] == "'none'", policy
    # Styles from files only, and the one inline <style> of Swagger UI by its hash: nothing inline otherwise.
    assert directives["style-src"] == f"'self' '{settings.SWAGGER_UI_STYLE_HASH}'", policy
    assert "unsafe" not in policy, policy
