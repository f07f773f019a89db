"""Token times allow for clock skew between the token's issuer and this host (JWT_LEEWAY_SECONDS),
for Cognito tokens and local tokens alike, and no more than that."""
import time

import pytest

from tests.support.token_attacks import PROTECTED, assert_unauthorized
from tests.support.tokens import bearer, local_token, past_the_leeway

SKEW = 10  # seconds; well inside the default leeway


def skewed(now: int) -> dict:
    """Claims as a clock SKEW seconds off would make them, either way."""
    return {
        "expired a moment ago": {"exp": now - SKEW},
        "issued a moment from now": {"iat": now + SKEW},
        "valid from a moment from now": {"nbf": now + SKEW},
    }


def make_token(kind: str, pool, user, **claims) -> str:
    return pool.token(user, **claims) if kind == "cognito" else local_token(user, **claims)


@pytest.mark.parametrize("kind", ["cognito", "local"])
@pytest.mark.parametrize("case", list(skewed(0)))
def test_a_token_a_clock_skew_off_is_accepted(client, cognito, alice, bob, settings, kind, case):
    assert settings.JWT_LEEWAY_SECONDS > SKEW
    token = make_token(kind, cognito, alice, **skewed(int(time.time()))[case])

    assert client.get(PROTECTED, **bearer(token)).status_code == 200


@pytest.mark.parametrize("kind", ["cognito", "local"])
def test_past_the_leeway_a_token_is_expired(client, cognito, alice, bob, kind):
    assert_unauthorized(client.get(PROTECTED, **bearer(make_token(kind, cognito, alice, exp=past_the_leeway()))),
                        "expired")


@pytest.mark.parametrize("kind", ["cognito", "local"])
def test_the_leeway_is_a_setting(client, cognito, alice, bob, settings, kind):
    settings.JWT_LEEWAY_SECONDS = 0
    token = make_token(kind, cognito, alice, exp=int(time.time()) - SKEW)

    assert_unauthorized(client.get(PROTECTED, **bearer(token)), "expired")
