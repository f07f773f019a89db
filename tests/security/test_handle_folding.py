"""One handle never stands for another through Unicode case folding.

Postgres (production, CI) answers `handle__iexact` with UPPER() on both sides, and UPPER folds the long s
(U+017F) to S and the dotless i (U+0131) to I: asked for `\u017fean` it would find @sean. Handles are ASCII,
so text with anything else is no handle and must never reach the database; SQLite's ASCII-only matching
would hide the fold, so each test also checks the SQL sent."""
import pytest

from tests.support.tokens import auth
from tests.support.users import PASSWORD, make_user

LOOK_ALIKES = {"sean": "\u017fean", "ice": "\u0131ce"}


@pytest.fixture
def sean(db):
    return make_user("sean")


@pytest.fixture
def ice(db):
    return make_user("ice")


@pytest.mark.parametrize("handle", sorted(LOOK_ALIKES))
def test_a_look_alike_handle_finds_nobody(client, db_queries, alice, sean, ice, handle):
    with db_queries() as queries:
        response = client.get(f"/api/users/@{LOOK_ALIKES[handle]}/short", **auth(alice))

    assert response.status_code == 404
    assert queries.non_ascii() == []


@pytest.mark.parametrize("handle", sorted(LOOK_ALIKES))
def test_a_message_to_a_look_alike_handle_reaches_nobody(client, app_ddb, db_queries, alice, sean, ice, handle):
    with db_queries() as queries:
        response = client.post("/api/messages", {"message": "hi", "handle": LOOK_ALIKES[handle]},
                               content_type="application/json", **auth(alice))

    assert response.status_code == 422
    assert response.json() == ["user_reciever_handle_not_found"]
    assert queries.non_ascii() == []


@pytest.mark.parametrize("handle", sorted(LOOK_ALIKES))
def test_a_look_alike_handle_does_not_log_in(client, db_queries, sean, ice, handle):
    with db_queries() as queries:
        response = client.post("/api/auth/token", {"username": LOOK_ALIKES[handle], "password": PASSWORD},
                               content_type="application/json")

    assert response.status_code == 401
    assert queries.non_ascii() == []
