"""The JWT attacks the API suite does not already list (not-yet-valid tokens, the local token's own
variants, an attacker's key in the header), and that no attack gets as far as a user lookup."""
import time

import jwt
import pytest

from tests.support.token_attacks import ATTACKS, PROTECTED, assert_unauthorized, swap_payload
from tests.support.tokens import SigningKey, bearer, local_claims, local_token, past_the_leeway, unsigned_token
from users.authentication import issue_local_token


def in_ten_minutes() -> int:
    return int(time.time()) + 600


MORE_ATTACKS = {
    "cognito token not yet valid (nbf)": lambda pool, user, other: pool.token(user, nbf=in_ten_minutes()),
    "cognito token issued in the future (iat)": lambda pool, user, other: pool.token(user, iat=in_ten_minutes()),
    "attacker's own key embedded in the header (jwk)": lambda pool, user, other: _embedded_jwk_token(pool, user),
    "attacker's key set named in the header (jku)": lambda pool, user, other: jwt.encode(
        pool.claims(user), SigningKey(kid="attacker").private_key, algorithm="RS256",
        headers={"kid": "attacker", "jku": "http://127.0.0.1:9/jwks.json"},
    ),
    "pool-signed token claiming the local issuer": lambda pool, user, other: jwt.encode(
        local_claims(user), pool.key.private_key, algorithm="RS256", headers={"kid": pool.key.kid}
    ),
    "local token expired": lambda pool, user, other: local_token(user, exp=past_the_leeway()),
    "local token not yet valid (nbf)": lambda pool, user, other: local_token(user, nbf=in_ten_minutes()),
    "local token issued in the future (iat)": lambda pool, user, other: local_token(user, iat=in_ten_minutes()),
    "local token without expiry": lambda pool, user, other: local_token(user, exp=None),
    "local token for another audience": lambda pool, user, other: local_token(user, aud="another-api"),
    # Signed with the app's real local key: only the issuer is wrong, so the key alone does not let it in.
    "local token of a foreign issuer": lambda pool, user, other: local_token(user, iss="https://attacker.example"),
    "local token without an issuer": lambda pool, user, other: local_token(user, iss=None),
    "local token alg none": lambda pool, user, other: unsigned_token({"alg": "none", "typ": "JWT"}, local_claims(user)),
    "local token with another user's subject pasted in": lambda pool, user, other: swap_payload(
        issue_local_token(user).access_token, local_token(other)
    ),
}


def _embedded_jwk_token(pool, user) -> str:
    attacker = SigningKey(kid=pool.key.kid)
    return jwt.encode(pool.claims(user), attacker.private_key, algorithm="RS256",
                      headers={"kid": pool.key.kid, "jwk": attacker.jwk})


@pytest.mark.parametrize("attack", MORE_ATTACKS)
def test_more_token_attacks_are_401(client, cognito, alice, bob, attack):
    token = MORE_ATTACKS[attack](cognito, alice, bob)
    assert_unauthorized(client.get(PROTECTED, **bearer(token)))


def test_a_swapped_subject_does_not_authenticate_as_the_victim_nor_the_signer(client, alice, bob):
    token = MORE_ATTACKS["local token with another user's subject pasted in"](None, alice, bob)
    assert jwt.decode(token, options={"verify_signature": False})["sub"] == str(bob.uuid)
    assert_unauthorized(client.get(PROTECTED, **bearer(token)))


ALL_ATTACKS = {**{name: lambda pool, user, other, make=make: make(pool, user) for name, make in ATTACKS.items()},
               **MORE_ATTACKS}


@pytest.mark.parametrize("attack", ALL_ATTACKS)
def test_no_attack_reaches_a_user_lookup(client, cognito, alice, bob, attack, django_assert_num_queries):
    # Claims are only read to pick the verifier: a refused token costs no query, so nothing in it
    # (its `sub` above all) was acted on before the signature and claims were checked.
    token = ALL_ATTACKS[attack](cognito, alice, bob)
    with django_assert_num_queries(0):
        assert_unauthorized(client.get(PROTECTED, **bearer(token)))
