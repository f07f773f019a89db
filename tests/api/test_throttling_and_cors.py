"""Throttles per user and per client IP (429 JSON with Retry-After), and CORS for the front end."""
import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.support.tokens import auth
from tests.support.users import make_user

ENDPOINT = "/api/users/@alice/short"


@pytest.fixture
def rates(monkeypatch):
    """Small rates; DRF reads them into the throttle classes at import, so patch them there."""
    def set_rates(**scopes):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"ip": "1000/min", "user": "1000/min",
                                                                    "auth_token": "1000/min", **scopes})
    return set_rates


def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_each_user_has_their_own_allowance(client, rates, alice, bob):
    rates(user="3/min")
    for _ in range(3):
        assert client.get(ENDPOINT, **auth(alice)).status_code == 200
    assert_throttled(client.get(ENDPOINT, **auth(alice)))
    # A fresh token buys alice nothing; bob, from the same address, is unaffected.
    assert_throttled(client.get(ENDPOINT, **auth(alice)))
    assert client.get(ENDPOINT, **auth(bob)).status_code == 200


def test_each_client_ip_has_its_own_allowance_across_users(client, rates, db):
    rates(ip="4/min")
    users = [make_user(f"user{n}") for n in range(5)]
    url = "/api/users/@user0/short"
    for user in users[:4]:
        assert client.get(url, **auth(user), REMOTE_ADDR="203.0.113.5").status_code == 200
    assert_throttled(client.get(url, **auth(users[4]), REMOTE_ADDR="203.0.113.5"))
    assert client.get(url, **auth(users[4]), REMOTE_ADDR="203.0.113.6").status_code == 200


def test_health_check_is_never_throttled(client, rates):
    rates(ip="2/min", user="2/min")
    assert all(client.get("/api/health-check").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("origin_setting", ["FRONTEND_URL", "BACKEND_URL"])
def test_cors_preflight_allows_the_front_end_with_authorization_and_idempotency_key(client, settings,
                                                                                    origin_setting):
    origin = getattr(settings, origin_setting).rstrip("/")
    response = client.options(
        "/api/messages",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    allowed = {header.strip().lower() for header in response["Access-Control-Allow-Headers"].split(",")}
    # Without idempotency-key here a browser refuses to send a retry-safe message cross-origin.
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_cors_answers_expose_link_and_retry_after(client, settings, alice):
    origin = settings.FRONTEND_URL.rstrip("/")
    response = client.get(ENDPOINT, HTTP_ORIGIN=origin, **auth(alice))
    assert response["Access-Control-Allow-Origin"] == origin
    exposed = {header.strip().lower() for header in response["Access-Control-Expose-Headers"].split(",")}
    assert {"link", "retry-after"} <= exposed


def test_cors_refuses_other_origins(client, alice):
    response = client.options(
        "/api/messages",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get(ENDPOINT, HTTP_ORIGIN="https://evil.example", **auth(alice))


def test_a_made_up_forwarded_for_does_not_dodge_the_ip_throttle(client, rates, alice, bob):
    rates(ip="2/min")
    for n, user in enumerate([alice, bob]):
        client.get(ENDPOINT, **auth(user), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert_throttled(client.get(ENDPOINT, **auth(alice), HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_behind_a_proxy_the_forwarded_client_address_counts(client, rates, alice, bob, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    rates(ip="2/min")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for user in (alice, bob):
        client.get(ENDPOINT, **auth(user), **proxy, HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.1")
    assert_throttled(client.get(ENDPOINT, **auth(alice), **proxy, HTTP_X_FORWARDED_FOR="198.51.100.1"))
    assert client.get(ENDPOINT, **auth(alice), **proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
