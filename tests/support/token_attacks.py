"""Tokens an attacker would try, and what refusing one looks like (the API and security suites share them)."""
import time
import uuid

import jwt

from tests.support.tokens import CLIENT_ID, REGION, SigningKey, hs256_token, past_the_leeway, unsigned_token
from users.authentication import LOCAL_AUDIENCE, LOCAL_ISSUER

# An endpoint that needs a user and touches nothing but the user table.
PROTECTED = "/api/users/@bob/short"


def assert_unauthorized(response, reason: str | None = None):
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    if reason:
        assert reason in response.json()["detail"]


ATTACKS = {
    "bearer without a token": lambda pool, user: "",
    "not a jwt": lambda pool, user: "not-a-jwt",
    "garbage segments": lambda pool, user: "abc.def.ghi",
    "expired": lambda pool, user: pool.token(user, exp=past_the_leeway()),
    "no expiry": lambda pool, user: pool.token(user, exp=None),
    "signed by another key with the pool's kid": lambda pool, user: pool.token(user, key=SigningKey(kid="key-1")),
    "unknown kid": lambda pool, user: pool.token(user, key=SigningKey(kid="not-in-the-pool")),
    "alg none": lambda pool, user: unsigned_token({"alg": "none", "typ": "JWT", "kid": "key-1"}, pool.claims(user)),
    "HS256 signed with the pool's public key": lambda pool, user: hs256_token(
        pool.key.public_pem, {"alg": "HS256", "typ": "JWT", "kid": "key-1"}, pool.claims(user)
    ),
    "HS256 signed with the public key as a local token": lambda pool, user: hs256_token(
        pool.key.public_pem, {"alg": "HS256", "typ": "JWT"},
        {**pool.claims(user), "iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "sub": str(user.uuid)},
    ),
    "wrong issuer (another pool)": lambda pool, user: pool.token(
        user, iss=f"https://cognito-idp.{REGION}.amazonaws.com/us-east-1_OtherPool"
    ),
    "no issuer": lambda pool, user: pool.token(user, iss=None),
    "access token of another app client": lambda pool, user: pool.token(user, client_id="another-client"),
    "access token without client_id": lambda pool, user: pool.token(user, client_id=None),
    "id token for another audience": lambda pool, user: pool.token(user, token_use="id", aud="another-client"),
    "refresh token_use": lambda pool, user: pool.token(user, token_use="refresh"),
    "no token_use": lambda pool, user: pool.token(user, token_use=None, client_id=CLIENT_ID),
    "tampered claims": lambda pool, user: swap_payload(pool.token(user), pool.token(user, sub=str(uuid.uuid4()))),
    "local token signed with another secret": lambda pool, user: jwt.encode(
        {"iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "sub": str(user.uuid), "iat": int(time.time()),
         "exp": int(time.time()) + 60},
        "guessed-secret-guessed-secret-guessed-secret", algorithm="HS256",
    ),
}


def swap_payload(token: str, other: str) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{other.split('.')[1]}.{signature}"


