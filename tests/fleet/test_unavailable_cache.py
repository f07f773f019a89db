"""The default cache pointed at a Redis that refuses connections (nothing listens on its port): in-process, each
use does what docs/RELIABILITY.md says. API throttles fail open with a warning; the password budget fails closed
(503 with Retry-After, the password never checked) on the token endpoint and both login pages; the token's user is
read from the database; readiness says degraded. None of it is a 500."""
import logging

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_login_failed
from django.test import Client, override_settings

from cruddur.cache_settings import redis_connection_options
from messaging.devtools.dynamodb_local import free_port
from tests.support.tokens import auth
from tests.support.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def unavailable_cache():
    # Its own override, undone before the suite's cache clearing (which would fail on this cache) runs.
    with override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": redis_connection_options(connect_timeout=django_settings.REDIS_CONNECT_TIMEOUT,
                                            socket_timeout=django_settings.REDIS_SOCKET_TIMEOUT),
    }}):
        yield


@pytest.fixture
def password_checks():
    seen = []

    def failed(sender, **kwargs):
        seen.append(kwargs["credentials"])

    user_login_failed.connect(failed)
    yield seen
    user_login_failed.disconnect(failed)


def test_api_throttles_fail_open_with_a_warning(unavailable_cache, client, caplog):
    alice = make_user("alice")
    with caplog.at_level(logging.WARNING, logger="cruddur.api.throttling"):
        response = client.get("/api/users/@alice/short", **auth(alice))
    assert response.status_code == 200, response.content
    warned = [record.getMessage() for record in caplog.records if record.name == "cruddur.api.throttling"]
    assert any("'ip' not applied" in text for text in warned), warned
    assert any("'user' not applied" in text for text in warned), warned


def test_the_tokens_user_is_read_from_the_database(unavailable_cache, client, caplog):
    alice = make_user("alice")
    headers = auth(alice)
    assert client.get("/api/users/@alice/short", **headers).status_code == 200
    alice.is_active = False
    alice.save()  # the invalidation cannot reach the cache: logged, and the database is read anyway
    assert client.get("/api/users/@alice/short", **headers).status_code == 403


def test_the_token_endpoint_refuses_with_503_and_checks_no_password(unavailable_cache, client, password_checks):
    make_user("alice")
    response = client.post("/api/auth/token", {"username": "alice", "password": "wrong"},
                           content_type="application/json")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) >= 1
    assert "login attempt budget" in response.json()["detail"]
    assert password_checks == []


@pytest.mark.parametrize("page", ["/login", "/admin/login/"])
def test_the_login_pages_refuse_with_503_and_check_no_password(unavailable_cache, page, password_checks):
    make_user("alice", is_staff=True)
    browser = Client(enforce_csrf_checks=False)
    response = browser.post(page, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "Logging in is unavailable right now" in response.content.decode()
    assert password_checks == []
    assert "_auth_user_id" not in browser.session


def test_readiness_is_degraded_not_unavailable(unavailable_cache, client, app_ddb):
    response = client.get("/api/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["cache"] | {"latency_ms": 0} == {
        "status": "unavailable", "backend": "redis", "required": False, "latency_ms": 0}
    assert body["components"]["database"]["status"] == body["components"]["dynamodb"]["status"] == "ok"

