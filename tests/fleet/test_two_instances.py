"""Two app instances act as one: one password budget, one throttle window per user, and a user disabled in the
database refused by both on their very next request (the invalidation reaches both through the shared cache)."""

import pytest
import requests

from bench.harness import PASSWORD, token_headers
from tests.support.fleet import fleet_env, save_user

pytestmark = pytest.mark.ddb_local

TIMEOUT = 30


def token_request(base_url: str, password: str) -> requests.Response:
    return requests.post(f"{base_url}/api/auth/token", json={"username": "sean", "password": password},
                         timeout=TIMEOUT)


def test_the_password_budget_is_one_budget_across_both(fleet, redis_client):
    first, second = fleet
    for attempt in range(6):  # API_THROTTLE_AUTH_TOKEN: 6/min, spread over both instances
        answer = token_request((first, second)[attempt % 2].base_url, "wrong")
        assert answer.status_code == 401, (attempt, answer.status_code, answer.text)
    for app in (first, second):
        refused = token_request(app.base_url, PASSWORD)  # the right password, not checked past the budget
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) >= 1
    page = requests.Session()
    page.get(f"{second.base_url}/login", timeout=TIMEOUT)
    refused_page = page.post(f"{second.base_url}/login", data={
        "username": "sean", "password": PASSWORD, "csrfmiddlewaretoken": page.cookies["csrftoken"]},
        allow_redirects=False, timeout=TIMEOUT)
    assert refused_page.status_code == 429
    assert "Too many login attempts" in refused_page.text


def test_a_throttle_window_counted_on_one_is_seen_by_the_other(fleet, redis_client):
    first, second = fleet
    headers = token_headers(first.base_url, "ice")
    for app in (first, second, first, second, first):  # API_THROTTLE_USER: 5/min
        answer = requests.get(f"{app.base_url}/api/users/@ice/short", headers=headers, timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
    for app in (second, first):
        refused = requests.get(f"{app.base_url}/api/users/@ice/short", headers=headers, timeout=TIMEOUT)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_a_user_disabled_in_the_database_is_refused_by_both_on_the_next_request(
        fleet, redis_client, ddb_local_server, users_dir, shared_redis):
    first, second = fleet
    headers = token_headers(first.base_url, "jake")
    jake = requests.get(f"{first.base_url}/api/users/@jake/short", headers=headers, timeout=TIMEOUT).json()["uuid"]
    jakes_entry = f"cruddur:*users.lookup:uuid:{jake}"
    for app in (first, second):
        assert requests.get(f"{app.base_url}/api/message_groups", headers=headers, timeout=TIMEOUT).status_code == 200
    # Both now have the user cached, in the one shared cache (for AUTH_USER_CACHE_SECONDS, 60 s by default).
    assert redis_client.keys(jakes_entry)

    env = fleet_env(ddb_local_server.endpoint_url, users_dir, shared_redis.url)
    save_user(env, "jake", is_active=False)
    try:
        assert not redis_client.keys(jakes_entry)
        for app in (second, first):
            refused = requests.get(f"{app.base_url}/api/message_groups", headers=headers, timeout=TIMEOUT)
            assert refused.status_code == 403
            assert refused.json() == {"detail": "This account is disabled."}
    finally:
        save_user(env, "jake", is_active=True)
    assert requests.get(f"{first.base_url}/api/message_groups", headers=headers, timeout=TIMEOUT).status_code == 200
