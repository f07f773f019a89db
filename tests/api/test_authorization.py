"""Who may see and post to a conversation: its two members; anyone else gets 404, anonymous 401."""
import uuid

import pytest

from tests.support.tokens import auth


def read(client, group, headers):
    return client.get(f"/api/messages/{group}", **headers)


def post(client, group, headers):
    return client.post("/api/messages", {"message": "knock knock", "message_group_uuid": group},
                       content_type="application/json", **headers)


def list_groups(client, group, headers):
    return client.get("/api/message_groups", **headers)


@pytest.fixture
def conversation(client, app_ddb, alice, bob):
    response = client.post("/api/messages", {"message": "Hello bob", "handle": "bob"},
                           content_type="application/json", **auth(alice))
    return response.json()["message_group_uuid"]


@pytest.mark.parametrize("member", ["alice", "bob"])
@pytest.mark.parametrize("endpoint", [read, post, list_groups])
def test_members_are_served(client, conversation, request, member, endpoint):
    response = endpoint(client, conversation, auth(request.getfixturevalue(member)))
    assert response.status_code == 200


@pytest.mark.parametrize("endpoint", [read, post])
def test_other_users_get_404_as_for_a_conversation_that_does_not_exist(client, conversation, carol, endpoint):
    response = endpoint(client, conversation, auth(carol))
    assert (response.status_code, response.json()) == (404, {"detail": "Not found."})
    missing = endpoint(client, str(uuid.uuid4()), auth(carol))
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


def test_other_users_do_not_see_the_conversation_listed(client, conversation, carol):
    assert list_groups(client, conversation, auth(carol)).json() == []


def test_other_users_post_stores_nothing(client, conversation, alice, carol):
    post(client, conversation, auth(carol))
    texts = [m["message"] for m in read(client, conversation, auth(alice)).json()]
    assert texts == ["Hello bob"]


@pytest.mark.parametrize("endpoint", [read, post, list_groups])
def test_anonymous_gets_401(client, conversation, endpoint):
    response = endpoint(client, conversation, {})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_anonymous_gets_401_for_users_too(client, alice):
    assert client.get("/api/users/@alice/short").status_code == 401
