"""Block through the API: the answers, sends refused both ways with one code, the blocker's list without the
conversation and with it again after unblocking, and bad input answered clearly with nothing stored."""
import pytest

from messaging.models import Block
from tests.support.stored_state import nothing_stored
from tests.support.tokens import auth
from tests.support.users import make_user


def send(client, sender, **body):
    return client.post("/api/messages", body, content_type="application/json", **auth(sender))


def block(client, blocker, handle):
    return client.post(f"/api/users/@{handle}/block", **auth(blocker))


def unblock(client, blocker, handle):
    return client.delete(f"/api/users/@{handle}/block", **auth(blocker))


def listed(client, user) -> list[str]:
    response = client.get("/api/message_groups", **auth(user))
    assert response.status_code == 200
    return [group["uuid"] for group in response.json()]


def texts(client, user, group) -> list[str]:
    return [m["message"] for m in client.get(f"/api/messages/{group}", **auth(user)).json()]


@pytest.fixture
def group(client, app_ddb, alice, bob):
    first = send(client, alice, message="Hello bob", handle="bob").json()["message_group_uuid"]
    send(client, bob, message="Hi alice", message_group_uuid=first)
    return first


def test_block_answers_the_handle_and_state(client, group, alice, bob):
    response = block(client, alice, "BOB")
    assert response.status_code == 200
    assert response.json() == {"handle": "bob", "blocked": True}
    assert "no-store" in response["Cache-Control"]
    assert client.get("/api/users/blocked", **auth(alice)).json() == [
        {"uuid": str(bob.uuid), "handle": "bob", "display_name": "Bob"}]
    assert Block.objects.filter(blocker=alice, blocked=bob).count() == 1


def test_while_blocked_no_send_is_stored_either_way_and_the_code_is_the_same(client, app_ddb, group, alice, bob):
    block(client, alice, "bob")
    with nothing_stored(*app_ddb):
        for sender, body in ((bob, {"message_group_uuid": group}), (bob, {"handle": "alice"}),
                             (alice, {"message_group_uuid": group}), (alice, {"handle": "@bob"})):
            response = send(client, sender, message="are you there?", **body)
            assert response.status_code == 422
            assert response.json() == ["message_recipient_unavailable"]


def test_the_blockers_list_loses_the_conversation_and_gets_it_back_with_its_history(client, group, alice, bob):
    block(client, alice, "bob")
    assert listed(client, alice) == []
    assert listed(client, bob) == [group], "the blocked person sees nothing change"
    assert texts(client, alice, group) == ["Hello bob", "Hi alice"], "the history stays readable by link"

    response = unblock(client, alice, "bob")
    assert response.status_code == 200
    assert response.json() == {"handle": "bob", "blocked": False}
    assert listed(client, alice) == [group]
    assert client.get("/api/users/blocked", **auth(alice)).json() == []
    assert not Block.objects.exists()
    assert send(client, bob, message="welcome back", message_group_uuid=group).status_code == 200
    assert texts(client, alice, group) == ["Hello bob", "Hi alice", "welcome back"]


def test_a_block_before_any_conversation_refuses_the_first_message(client, app_ddb, alice, carol):
    block(client, carol, "alice")
    response = send(client, alice, message="hi carol", handle="carol")
    assert response.status_code == 422
    assert response.json() == ["message_recipient_unavailable"]
    assert listed(client, alice) == listed(client, carol) == []


def test_blocking_twice_and_unblocking_someone_not_blocked_are_idempotent(client, app_ddb, group, alice, bob):
    assert unblock(client, alice, "bob").json() == {"handle": "bob", "blocked": False}
    assert block(client, alice, "bob").status_code == 200
    with nothing_stored(*app_ddb):
        again = block(client, alice, "bob")
    assert (again.status_code, again.json()) == (200, {"handle": "bob", "blocked": True})
    assert Block.objects.count() == 1


@pytest.mark.parametrize(("method", "handle", "status", "body"), [
    ("post", "alice", 422, ["block_self"]),
    ("delete", "@alice", 422, ["block_self"]),
    ("post", "nobody", 404, None),
    ("delete", "nobody", 404, None),
    ("post", "not a handle!", 404, None),
    ("post", "x" * 300, 404, None),
])
def test_bad_blocks_are_refused_clearly_and_change_nothing(client, app_ddb, group, alice, method, handle, status,
                                                           body):
    with nothing_stored(*app_ddb):
        response = getattr(client, method)(f"/api/users/@{handle}/block", **auth(alice))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if body is not None:
        assert response.json() == body


def test_a_deactivated_user_cannot_be_blocked_but_can_be_unblocked(client, app_ddb, group, alice, bob):
    block(client, alice, "bob")
    bob.is_active = False
    bob.save()
    with nothing_stored(*app_ddb):
        assert block(client, alice, "bob").status_code == 404
    assert unblock(client, alice, "bob").json() == {"handle": "bob", "blocked": False}


def test_blocking_needs_a_user(client, app_ddb, group):
    with nothing_stored(*app_ddb):
        assert client.post("/api/users/@bob/block").status_code == 401
        assert client.delete("/api/users/@bob/block").status_code == 401
    assert client.get("/api/users/blocked").status_code == 401


def test_other_methods_are_not_allowed(client, app_ddb, group, alice):
    with nothing_stored(*app_ddb):
        assert client.get("/api/users/@bob/block", **auth(alice)).status_code == 405
        assert client.put("/api/users/@bob/block", **auth(alice)).status_code == 405
        assert client.post("/api/users/blocked", **auth(alice)).status_code == 405


def test_the_blocked_list_shows_current_names(client, app_ddb, group, alice, bob):
    make_user("dave")
    block(client, alice, "dave")
    block(client, alice, "bob")
    bob.handle, bob.display_name = "robert", "Robert"
    bob.save()
    assert [(u["handle"], u["display_name"]) for u in client.get("/api/users/blocked", **auth(alice)).json()] == [
        ("dave", "Dave"), ("robert", "Robert")]
