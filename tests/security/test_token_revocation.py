"""A token stops working when the user's state says it should, at the next request (in this process;
across processes once the token-user cache is shared): a password change revokes local tokens, a
cleared or changed Cognito id stops the old `sub` resolving, a deleted user can do nothing."""
import uuid

import pytest

from messaging import ddb
from tests.support.token_attacks import PROTECTED, assert_unauthorized
from tests.support.tokens import auth, bearer
from tests.support.users import PASSWORD

NEW_PASSWORD = "a-brand-new-password-2"


def token_for(client, username: str, password: str) -> dict:
    response = client.post("/api/auth/token", {"username": username, "password": password},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    return bearer(response.json()["access_token"])


def test_a_password_change_revokes_the_local_tokens_issued_before_it(client, alice, bob):
    before = token_for(client, "alice", PASSWORD)
    assert client.get(PROTECTED, **before).status_code == 200  # alice is cached now

    alice.set_password(NEW_PASSWORD)
    alice.save()

    assert_unauthorized(client.get(PROTECTED, **before), "revoked by a password change")
    assert client.get(PROTECTED, **token_for(client, "alice", NEW_PASSWORD)).status_code == 200


def test_making_the_password_unusable_revokes_local_tokens_too(client, alice, bob):
    before = auth(alice)
    assert client.get(PROTECTED, **before).status_code == 200

    alice.set_unusable_password()
    alice.save(update_fields=["password"])

    assert_unauthorized(client.get(PROTECTED, **before), "revoked")


def test_saving_other_fields_keeps_local_tokens_valid(client, alice, bob):
    before = auth(alice)
    alice.display_name = "Alice Again"
    alice.save()

    assert client.get(PROTECTED, **before).status_code == 200


@pytest.mark.parametrize("new_id", [None, "another"], ids=["cleared", "changed"])
@pytest.mark.parametrize("update_fields", [None, ["cognito_user_id"]], ids=["save", "save-cognito-id-only"])
def test_the_old_cognito_sub_stops_resolving_at_the_next_request(client, cognito, alice, bob, new_id,
                                                                  update_fields):
    old_sub = bearer(cognito.token(alice))
    assert client.get(PROTECTED, **old_sub).status_code == 200  # cached under the old sub

    alice.cognito_user_id = str(uuid.uuid4()) if new_id else None
    alice.save(update_fields=update_fields)

    response = client.get(PROTECTED, **old_sub)
    assert response.status_code == 403
    assert response.json() == {"detail": "The token is valid but belongs to no registered user."}
    if new_id:
        assert client.get(PROTECTED, **bearer(cognito.token(alice))).status_code == 200


def test_a_deleted_user_is_refused_and_cannot_send(client, app_ddb, cognito, alice, bob):
    local, cognito_token = auth(alice), bearer(cognito.token(alice))
    for headers in (local, cognito_token):
        assert client.get("/api/message_groups", **headers).status_code == 200  # alice is cached

    alice.delete()

    for headers in (local, cognito_token):
        sent = client.post("/api/messages", {"message": "from beyond", "handle": "bob"},
                           content_type="application/json", **headers)
        assert sent.status_code == 403
    assert ddb.get_store().list_groups(user_uuid=str(bob.uuid), limit=10).items == []
