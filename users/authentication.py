"""Bearer tokens for the API: AWS Cognito tokens and the app's own local tokens.

Cognito access and id tokens (RS256, keys from the pool's JWKS) are the production identity.
Local tokens (HS256 with a key derived from SECRET_KEY, their own issuer) serve development and
REST clients without Cognito; `POST /api/auth/token` issues them. A token's unverified issuer
only picks the verifier; the verifier then checks the signature and every claim. A local token
is bound to the password it was issued for, so changing the password revokes it.
"""
import functools
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from cruddur.api.errors import ServiceUnavailable
from users.lookup import user_by_identity

logger = logging.getLogger(__name__)

LOCAL_ISSUER = "urn:cruddur:local-token"
LOCAL_AUDIENCE = "cruddur-api"
LOCAL_ALGORITHM = "HS256"
PASSWORD_BINDING_CLAIM = "pwb"
COGNITO_ALGORITHM = "RS256"
JWKS_CACHE_SECONDS = 3600  # keys rotate rarely; an unknown `kid` refetches sooner
_COGNITO_SETTINGS = {"COGNITO_USER_POOL_ID", "COGNITO_REGION", "COGNITO_JWKS_URL", "COGNITO_JWKS_TIMEOUT"}


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def _local_signing_key() -> bytes:
    # Derived, not SECRET_KEY itself, so a token key can never be replayed as another HMAC. The salt names
    # this module's first home; changing it would void every token issued.
    return salted_hmac("cruddur.authentication.local-token", "signing-key", algorithm="sha256").digest()


def password_binding(user) -> str:
    """Changes whenever the user's password (hash) does, as Django's session auth hash; never the hash itself."""
    return salted_hmac("cruddur.authentication.local-token.password", user.password, algorithm="sha256").hexdigest()


def issue_local_token(user) -> IssuedToken:
    now = int(time.time())
    lifetime = settings.LOCAL_TOKEN_LIFETIME_SECONDS
    claims = {
        "iss": LOCAL_ISSUER,
        "aud": LOCAL_AUDIENCE,
        "sub": str(user.uuid),
        "iat": now,
        "exp": now + lifetime,
        "token_use": "access",
        PASSWORD_BINDING_CLAIM: password_binding(user),
    }
    return IssuedToken(jwt.encode(claims, _local_signing_key(), algorithm=LOCAL_ALGORITHM), lifetime)


def cognito_issuer() -> str | None:
    if not settings.COGNITO_USER_POOL_ID:
        return None
    return f"https://cognito-idp.{settings.COGNITO_REGION}.amazonaws.com/{settings.COGNITO_USER_POOL_ID}"


@functools.cache
def cognito_jwks_client() -> jwt.PyJWKClient:
    """One client per process: it caches the key set across requests and refetches on a new `kid`."""
    url = settings.COGNITO_JWKS_URL or f"{cognito_issuer()}/.well-known/jwks.json"
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=settings.COGNITO_JWKS_TIMEOUT)


@receiver(setting_changed)
def _reset_on_setting_change(setting, **kwargs):
    if setting in _COGNITO_SETTINGS:
        cognito_jwks_client.cache_clear()


def _invalid(reason: str) -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(f"Invalid token: {reason}")


def _verify_local(token: str) -> dict:
    return jwt.decode(
        token, _local_signing_key(), algorithms=[LOCAL_ALGORITHM], issuer=LOCAL_ISSUER, audience=LOCAL_AUDIENCE,
        leeway=settings.JWT_LEEWAY_SECONDS,
        options={"require": ["exp", "iat", "iss", "aud", "sub", PASSWORD_BINDING_CLAIM]},
    )


def _verify_cognito(token: str, header: dict, issuer: str) -> dict:
    # Checked before any key lookup, so `alg: none` or HS256 tokens never trigger a JWKS fetch.
    if header.get("alg") != COGNITO_ALGORITHM:
        raise _invalid(f"algorithm {header.get('alg')!r} is not allowed")
    try:
        signing_key = cognito_jwks_client().get_signing_key_from_jwt(token)
    except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError, ValueError) as error:
        # The key set cannot be had (unreachable, or not a key set): our problem, not the token's.
        logger.warning("Cognito JWKS unusable: %s", error)
        raise ServiceUnavailable(str(error), detail="Cannot verify tokens right now, try again later.",
                                 retry_after=5) from error
    except jwt.PyJWKClientError as error:
        raise _invalid(str(error)) from error
    claims = jwt.decode(
        token, signing_key, algorithms=[COGNITO_ALGORITHM], issuer=issuer, leeway=settings.JWT_LEEWAY_SECONDS,
        options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
    )
    # Access tokens name the app client in `client_id`, id tokens in `aud`.
    client_claim = {"access": "client_id", "id": "aud"}.get(claims["token_use"])
    if client_claim is None:
        raise _invalid(f"token_use {claims['token_use']!r} is not accepted")
    if not settings.COGNITO_CLIENT_ID or claims.get(client_claim) != settings.COGNITO_CLIENT_ID:
        raise _invalid(f"{client_claim} is not this app's client")
    return claims


def _same_password(local_claims: dict, user) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters.
    issued_for = str(local_claims[PASSWORD_BINDING_CLAIM]).encode()
    return hmac.compare_digest(issued_for, password_binding(user).encode())


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <JWT>`; no header leaves the request to the next authenticator."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: expected `Bearer <token>`.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise _invalid("not a JWT") from None
        field, value, claims = self._verified_identity(token)
        user = user_by_identity(field, value)
        if user is None:
            raise exceptions.PermissionDenied("The token is valid but belongs to no registered user.")
        if not user.is_active:
            raise exceptions.PermissionDenied("This account is disabled.")
        if field == "uuid" and not _same_password(claims, user):
            raise _invalid("revoked by a password change")
        return user, token

    def _verified_identity(self, token: str) -> tuple[str, object, dict]:
        """The (field, value) naming the token's user and the token's claims, once the issuer's verifier
        accepted the token."""
        try:
            unverified = jwt.decode_complete(token, options={"verify_signature": False})
            issuer = unverified["payload"].get("iss")
            if issuer == LOCAL_ISSUER:
                claims = _verify_local(token)
                return "uuid", uuid.UUID(claims["sub"]), claims
            cognito = cognito_issuer()
            if cognito is not None and issuer == cognito:
                claims = _verify_cognito(token, unverified["header"], cognito)
                return "cognito_user_id", claims["sub"], claims
        except jwt.ExpiredSignatureError:
            raise _invalid("expired") from None
        except (jwt.InvalidTokenError, ValueError) as error:
            raise _invalid(str(error) or "malformed") from None
        raise _invalid("unknown issuer")

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Cognito access or id token, or a local token from POST /api/auth/token.",
        }
