"""Every answer shows the users' current handles and names, in old conversations too, from the first request
after a change; identity is the uuid; one batched, cached user lookup per answer and no extra DynamoDB call."""
import pytest

from tests.support.ddb_calls import dynamodb_calls
from tests.support.tokens import auth
from tests.support.users import make_user, rename_in_admin


def send(client, sender, **body):
    return client.post("/api/messages", body, content_type="application/json", **auth(sender))


def names(items) -> set[tuple[str, str]]:
    return {(item["handle"], item["display_name"]) for item in items}


@pytest.fixture
def group(client, app_ddb, alice, bob):
    first = send(client, alice, message="Hello bob", handle="bob").json()["message_group_uuid"]
    send(client, bob, message="Hi alice", message_group_uuid=first)
    return first


def rename(user, handle, display_name):
    user.handle, user.display_name = handle, display_name
    user.save()


def test_a_rename_shows_in_every_answer_from_the_next_request(client, group, alice, bob):
    # Warm every cache first: the rename must still show at once.
    client.get("/api/message_groups", **auth(alice))
    client.get(f"/api/messages/{group}", **auth(alice))
    rename(bob, "robert", "Robert Bobson")

    assert names(client.get("/api/message_groups", **auth(alice)).json()) == {("robert", "Robert Bobson")}
    messages = client.get(f"/api/messages/{group}", **auth(alice)).json()
    assert [(m["handle"], m["display_name"]) for m in messages] == [("alice", "Alice"), ("robert", "Robert Bobson")]
    sent = send(client, bob, message="new name", message_group_uuid=group).json()
    assert (sent["handle"], sent["display_name"]) == ("robert", "Robert Bobson")
    assert names(client.get("/api/message_groups", **auth(bob)).json()) == {("alice", "Alice")}


def test_a_rename_through_the_admin_shows_at_once(client, group, alice, bob):
    client.get("/api/message_groups", **auth(alice))
    staff = make_user("staffer", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert rename_in_admin(client, bob, handle="bobby", display_name="Bobby Tables").status_code == 302
    client.logout()
    assert names(client.get("/api/message_groups", **auth(alice)).json()) == {("bobby", "Bobby Tables")}


def test_a_freed_handle_never_brings_its_new_owner_into_old_conversations(client, group, alice, bob):
    rename(bob, "robert", "Robert")
    newcomer = make_user("bob", email="another.bob@example.org", display_name="Another Bob")
    assert names(client.get("/api/message_groups", **auth(alice)).json()) == {("robert", "Robert")}
    messages = client.get(f"/api/messages/{group}", **auth(alice)).json()
    assert "Another Bob" not in {m["display_name"] for m in messages}
    assert client.get("/api/message_groups", **auth(newcomer)).json() == []
    # Writing to the handle now starts a new conversation with the newcomer, not the old one.
    sent = send(client, alice, message="hello new bob", handle="bob").json()
    assert sent["message_group_uuid"] != group


def test_a_deleted_user_keeps_the_names_stored_in_the_table(client, group, alice, bob):
    bob.delete()
    assert names(client.get("/api/message_groups", **auth(alice)).json()) == {("bob", "Bob")}


def test_one_batched_user_lookup_and_no_extra_dynamodb_call(client, group, alice, bob, db_queries):
    carol = make_user("carol")
    send(client, carol, message="Hello alice", handle="alice")
    client.get("/api/message_groups", **auth(alice))  # the token's user is cached now
    rename(bob, "robert", "Robert")
    rename(carol, "caroline", "Caroline")

    with db_queries() as queries, dynamodb_calls() as calls:
        response = client.get("/api/message_groups", **auth(alice))
    assert names(response.json()) == {("robert", "Robert"), ("caroline", "Caroline")}
    assert calls == ["Query"]
    lookups = [q["sql"] for q in queries.captured_queries if "users_user" in q["sql"]]
    assert len(lookups) == 1 and " IN " in lookups[0], lookups

    with db_queries() as queries, dynamodb_calls() as calls:
        client.get("/api/message_groups", **auth(alice))
    assert calls == ["Query"]
    assert [q["sql"] for q in queries.captured_queries if "users_user" in q["sql"]] == [], "served from the cache"

    with db_queries() as queries, dynamodb_calls() as calls:
        client.get(f"/api/messages/{group}", **auth(alice))
    assert calls == ["Query"]  # the conversation from the shared cache
    assert [q["sql"] for q in queries.captured_queries if "users_user" in q["sql"]] == []
