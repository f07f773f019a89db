"""Tokens for tests: bearer headers, the app's local tokens, and a fake Cognito user pool.

The fake pool is an RSA key pair made here and its JWKS served over HTTP on 127.0.0.1, so
tokens are checked exactly as in production: PyJWKClient fetches the key set over the network.
"""
import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from users.authentication import (
    LOCAL_AUDIENCE,
    LOCAL_ISSUER,
    PASSWORD_BINDING_CLAIM,
    _local_signing_key,
    issue_local_token,
    password_binding,
)
from users.models import User

POOL_ID = "us-east-1_TestPool1"
CLIENT_ID = "test-app-client-id"
REGION = "us-east-1"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def past_the_leeway() -> int:
    """A time that has passed even allowing for clock skew (JWT_LEEWAY_SECONDS): an `exp` that is over."""
    return int(time.time()) - settings.JWT_LEEWAY_SECONDS - 5


def local_claims(user, **overrides) -> dict:
    now = int(time.time())
    claims = {"iss": LOCAL_ISSUER, "aud": LOCAL_AUDIENCE, "sub": str(user.uuid), "iat": now, "exp": now + 600,
              "token_use": "access", PASSWORD_BINDING_CLAIM: password_binding(user)}
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def local_token(user, **overrides) -> str:
    """Signed with the app's real local key: only the named claim is wrong (None: left out)."""
    return jwt.encode(local_claims(user, **overrides), _local_signing_key(), algorithm="HS256")


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def auth(user: User) -> dict:
    """Request headers carrying a local token of `user`, as POST /api/auth/token issues."""
    return bearer(issue_local_token(user).access_token)


@dataclass
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    @property
    def jwk(self) -> dict:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**public, "kid": self.kid, "alg": "RS256", "use": "sig"}

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class JWKSServer:
    """Serves the pool's key set on 127.0.0.1 and counts how often it is fetched."""

    def __init__(self):
        self.keys: list[SigningKey] = []
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.fetches += 1
                body = json.dumps({"keys": [key.jwk for key in server.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address
        return f"http://{host}:{port}/{POOL_ID}/.well-known/jwks.json"

    def start(self):
        self._thread.start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@dataclass
class CognitoPool:
    server: JWKSServer
    key: SigningKey

    def claims(self, user: User, token_use: str = "access", **overrides) -> dict:
        now = int(time.time())
        claims = {
            "sub": user.cognito_user_id,
            "iss": ISSUER,
            "token_use": token_use,
            "iat": now,
            "auth_time": now,
            "exp": now + 600,
        }
        claims.update({"client_id": CLIENT_ID} if token_use == "access" else {"aud": CLIENT_ID})
        claims.update(overrides)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, user: User, token_use: str = "access", key: SigningKey | None = None, **overrides) -> str:
        key = key or self.key
        return jwt.encode(
            self.claims(user, token_use, **overrides), key.private_key, algorithm="RS256", headers={"kid": key.kid}
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned_token(header: dict, claims: dict, signature: bytes = b"") -> str:
    """A token put together by hand, as an attacker would (PyJWT refuses to make these)."""
    head = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{head}.{_b64(signature)}"


def hs256_token(secret: bytes, header: dict, claims: dict) -> str:
    head = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{head}.{_b64(hmac.new(secret, head.encode(), hashlib.sha256).digest())}"
