"""Who may see and post to a conversation: its two members; anyone else gets 404, anonymous 401."""
import uuid

import pytest

from messaging import ddb
from messaging.services import user_ref
from tests.support.ddb_calls import dynamodb_calls
from tests.support.store import forget_backfill, write_old_backend_items
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


def dynamodb_calls_of(client, path, headers) -> list[str]:
    """The DynamoDB operations one request makes, in order (counted on the app's own client)."""
    with dynamodb_calls() as calls:
        assert client.get(path, **headers).status_code == 404
    return calls


@pytest.mark.parametrize("backfilled", [True, False], ids=["backfilled", "old-backend-table"])
def test_missing_and_someone_elses_conversation_cost_the_same_dynamodb_calls(client, app_ddb, conversation, alice,
                                                                             bob, carol, backfilled):
    """No existence leak through timing: for carol, a missing uuid, alice's conversation with bob (its item
    stored) and an old-backend conversation of theirs make the same calls. Was: one extra GSI Query for a
    missing uuid even on a backfilled table (~1.6 ms, enough to tell them apart)."""
    table_client, table = app_ddb
    old_backend_group = write_old_backend_items(table_client, table, user_ref(user=alice), user_ref(user=bob), ["hi"])
    if not backfilled:
        forget_backfill(table_client, table)
    ddb.reset()
    dynamodb_calls_of(client, f"/api/messages/{uuid.uuid4()}", auth(carol))  # the backfill mark is read once

    groups = {"missing": str(uuid.uuid4()), "someone else's": conversation, "someone else's, old backend":
              old_backend_group}
    calls = {name: dynamodb_calls_of(client, f"/api/messages/{group}", auth(carol)) for name, group in groups.items()}
    if backfilled:
        # A backfilled table has a conversation item for each conversation: one GetItem, no GSI search (an
        # old-backend conversation written after the backfill is found once backfill runs again).
        assert calls["missing"] == ["GetItem"], calls
    else:
        assert "Query" in calls["missing"], calls
    assert len({tuple(operations) for operations in calls.values()}) == 1, calls
