"""POST /api/auth/token: local tokens for a handle or email and password."""
import pytest
from django.conf import settings

from tests.support.tokens import bearer
from tests.support.users import PASSWORD

TOKEN_URL = "/api/auth/token"


def get_token(client, username, password=PASSWORD, **headers):
    return client.post(TOKEN_URL, {"username": username, "password": password}, content_type="application/json",
                       **headers)


@pytest.mark.parametrize("username", ["alice", "ALICE", "@alice", "alice@example.org", "Alice@Example.org"])
def test_handle_or_email_gets_a_working_token(client, alice, bob, username):
    response = get_token(client, username)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.LOCAL_TOKEN_LIFETIME_SECONDS
    me = client.get("/api/users/@bob/short", **bearer(body["access_token"]))
    assert me.status_code == 200


def test_token_names_the_user_it_was_issued_for(client, alice, bob):
    token = get_token(client, "bob").json()["access_token"]
    # Sending to oneself is refused before anything is stored: the token is bob's.
    response = client.post("/api/messages", {"message": "hi", "handle": "bob"}, content_type="application/json",
                           **bearer(token))
    assert response.json() == ["message_to_self"]
    response = client.post("/api/messages", {"message": "hi", "handle": "alice"}, content_type="application/json",
                           **bearer(get_token(client, "alice").json()["access_token"]))
    assert response.json() == ["message_to_self"]


@pytest.mark.parametrize("username,password", [("alice", "wrong-password"), ("nobody", PASSWORD),
                                               ("nobody@example.org", PASSWORD)])
def test_wrong_credentials_are_401(client, alice, username, password):
    response = get_token(client, username, password)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": "Wrong handle, email or password."}


def test_disabled_user_gets_no_token(client, alice):
    alice.is_active = False
    alice.save()
    assert get_token(client, "alice").status_code == 401


def test_a_stale_authorization_header_does_not_block_login(client, alice):
    assert get_token(client, "alice", HTTP_AUTHORIZATION="Bearer expired.or.garbage").status_code == 200


@pytest.mark.parametrize("body,codes", [
    ({}, ["username_required", "password_required"]),
    ({"username": "", "password": ""}, ["username_blank", "password_blank"]),
    ({"username": ["alice"], "password": PASSWORD}, ["username_invalid"]),
    (["alice", PASSWORD], ["body_invalid"]),
])
def test_malformed_bodies_are_422_with_codes(client, alice, body, codes):
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == codes


def test_expired_local_token_is_401(client, alice, bob, settings):
    settings.LOCAL_TOKEN_LIFETIME_SECONDS = -(settings.JWT_LEEWAY_SECONDS + 5)  # over, even allowing for skew
    token = get_token(client, "alice").json()["access_token"]
    response = client.get("/api/users/@bob/short", **bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_password_guessing_is_throttled(client, alice):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])
    statuses = [get_token(client, "alice", f"guess-{n}").status_code for n in range(allowed)]
    assert statuses == [401] * allowed
    # Even the right password is refused now, until the window passes.
    response = get_token(client, "alice")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_throttle_counts_per_client_ip(client, alice):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])
    for n in range(allowed + 1):
        get_token(client, "alice", f"guess-{n}", REMOTE_ADDR="198.51.100.7")
    assert get_token(client, "alice", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert get_token(client, "alice", REMOTE_ADDR="198.51.100.8").status_code == 200
