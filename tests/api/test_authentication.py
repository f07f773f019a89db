"""Bearer tokens on the API: Cognito tokens checked against a key set served on 127.0.0.1,
the app's own local tokens, and session login with CSRF."""
import uuid

import pytest
from django.test import Client

from tests.support.token_attacks import ATTACKS, PROTECTED, assert_unauthorized
from tests.support.tokens import ISSUER, SigningKey, auth, bearer, past_the_leeway
from users.authentication import cognito_jwks_client


def test_cognito_access_token_authenticates(client, cognito, alice, bob):
    response = client.get(PROTECTED, **bearer(cognito.token(alice)))
    assert response.status_code == 200
    assert response.json()["handle"] == "bob"


def test_cognito_id_token_authenticates(client, cognito, alice, bob):
    response = client.get(PROTECTED, **bearer(cognito.token(alice, token_use="id")))
    assert response.status_code == 200


def test_local_token_authenticates(client, alice, bob):
    response = client.get(PROTECTED, **auth(alice))
    assert response.status_code == 200


def test_missing_token_is_401(client, bob):
    assert_unauthorized(client.get(PROTECTED), "not provided")


@pytest.mark.parametrize("attack", ATTACKS)
def test_token_attacks_are_401(client, cognito, alice, bob, attack):
    token = ATTACKS[attack](cognito, alice)
    assert_unauthorized(client.get(PROTECTED, HTTP_AUTHORIZATION=f"Bearer {token}"))


def test_attacks_never_authenticate_the_session_user_either(client, cognito, alice, bob):
    # A bad bearer token is refused outright, not ignored in favour of a logged-in session.
    client.force_login(bob)
    assert_unauthorized(client.get(PROTECTED, **bearer(ATTACKS["expired"](cognito, alice))), "expired")


def test_reasons_are_given(client, cognito, alice, bob):
    assert_unauthorized(client.get(PROTECTED, **bearer(cognito.token(alice, exp=past_the_leeway()))), "expired")
    assert_unauthorized(client.get(PROTECTED, **bearer(ATTACKS["alg none"](cognito, alice))), "'none'")
    assert_unauthorized(
        client.get(PROTECTED, **bearer(cognito.token(alice, client_id="another-client"))), "client_id"
    )
    assert_unauthorized(client.get(PROTECTED, HTTP_AUTHORIZATION="Bearer a b"), "Malformed")


def test_tokens_that_need_no_key_lookup_do_not_fetch_the_key_set(client, cognito, alice, bob):
    for attack in ("alg none", "HS256 signed with the pool's public key", "wrong issuer (another pool)", "not a jwt"):
        assert_unauthorized(client.get(PROTECTED, **bearer(ATTACKS[attack](cognito, alice))))
    assert cognito.server.fetches == 0


def test_valid_token_of_no_registered_user_is_403(client, cognito, alice, bob):
    response = client.get(PROTECTED, **bearer(cognito.token(alice, sub=str(uuid.uuid4()))))
    assert response.status_code == 403
    assert "no registered user" in response.json()["detail"]


def test_valid_token_of_a_disabled_user_is_403(client, cognito, alice, bob):
    alice.is_active = False
    alice.save()
    assert client.get(PROTECTED, **bearer(cognito.token(alice))).status_code == 403
    assert client.get(PROTECTED, **auth(alice)).status_code == 403


def test_key_set_is_fetched_once_for_many_requests(client, cognito, alice, bob):
    for _ in range(5):
        assert client.get(PROTECTED, **bearer(cognito.token(alice))).status_code == 200
        assert client.get(PROTECTED, **bearer(cognito.token(bob, token_use="id"))).status_code == 200
    assert cognito.server.fetches == 1


def test_a_new_kid_refetches_the_key_set(client, cognito, alice, bob):
    assert client.get(PROTECTED, **bearer(cognito.token(alice))).status_code == 200
    rotated = SigningKey(kid="key-2")
    cognito.server.keys.append(rotated)
    # PyJWKClient refetches for an unknown kid at most once per cooldown (a guard against floods
    # of made-up kids); let the cooldown pass.
    cognito_jwks_client().cooldown_duration = 0
    assert client.get(PROTECTED, **bearer(cognito.token(alice, key=rotated))).status_code == 200
    assert client.get(PROTECTED, **bearer(cognito.token(alice, key=rotated))).status_code == 200
    assert cognito.server.fetches == 2


def test_made_up_kids_do_not_refetch_within_the_cooldown(client, cognito, alice, bob):
    assert client.get(PROTECTED, **bearer(cognito.token(alice))).status_code == 200
    for n in range(5):
        assert_unauthorized(client.get(PROTECTED, **bearer(cognito.token(alice, key=SigningKey(kid=f"made-up-{n}")))))
    assert cognito.server.fetches == 1


def test_unreachable_key_set_is_503_with_retry_after(client, cognito, alice, bob, settings):
    cognito.server.stop()
    settings.COGNITO_JWKS_URL = cognito.server.url  # its port is closed now
    response = client.get(PROTECTED, **bearer(cognito.token(alice)))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_cognito_tokens_are_refused_when_no_pool_is_configured(client, cognito, alice, bob, settings):
    settings.COGNITO_USER_POOL_ID = None
    assert_unauthorized(client.get(PROTECTED, **bearer(cognito.token(alice))), "issuer")


def test_the_tokens_user_is_queried_once_then_cached(client, cognito, alice, bob, django_assert_num_queries):
    for headers in (auth(alice), bearer(cognito.token(alice))):
        # The first request looks up the token's user and bob by handle; later ones only bob.
        with django_assert_num_queries(2):
            assert client.get(PROTECTED, **headers).status_code == 200
        for _ in range(3):
            with django_assert_num_queries(1):
                assert client.get(PROTECTED, **headers).status_code == 200


def test_disabling_a_cached_user_takes_effect_at_the_next_request(client, cognito, alice, bob):
    local, cognito_token = auth(alice), bearer(cognito.token(alice))
    assert client.get(PROTECTED, **local).status_code == 200
    assert client.get(PROTECTED, **cognito_token).status_code == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert client.get(PROTECTED, **local).status_code == 403
    assert client.get(PROTECTED, **cognito_token).status_code == 403


def test_a_deleted_user_is_no_longer_authenticated_from_the_cache(client, alice, bob):
    headers = auth(alice)
    assert client.get(PROTECTED, **headers).status_code == 200
    alice.delete()
    assert client.get(PROTECTED, **headers).status_code == 403


def test_one_key_set_client_per_process(cognito):
    assert cognito_jwks_client() is cognito_jwks_client()
    assert cognito_jwks_client().uri == cognito.server.url


def test_cognito_issuer_is_derived_from_region_and_pool(settings):
    from users.authentication import cognito_issuer

    settings.COGNITO_USER_POOL_ID = "eu-west-1_Abc"
    settings.COGNITO_REGION = "eu-west-1"
    assert cognito_issuer() == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"
    assert ISSUER.startswith("https://cognito-idp.")


def test_session_login_works_with_csrf(alice, bob, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get(PROTECTED).status_code == 200
    # A write without the CSRF token is refused, as JSON.
    response = browser.post("/api/messages", {"message": "hi", "handle": "bob"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_write_with_csrf_token_gets_past_csrf(alice, bob, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    secret = "a" * 32
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    # An invalid body: a 422 proves the request got through authentication and CSRF.
    response = browser.post("/api/messages", {}, content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 422


def test_bearer_requests_need_no_csrf_token(alice, bob):
    api_client = Client(enforce_csrf_checks=True)
    response = api_client.post("/api/messages", {}, content_type="application/json", **auth(alice))
    assert response.status_code == 422
