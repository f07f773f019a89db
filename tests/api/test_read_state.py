"""Read state through the API (moto and DynamoDB Local): counts on the list, the unread total, mark-read, mute,
and every refusal a clear 4xx that writes nothing."""
import pytest

from messaging import services
from messaging.recipients import InConversation, ToHandle
from tests.support.stored_state import nothing_stored
from tests.support.tokens import auth


@pytest.fixture
def conversation(app_ddb, alice, bob):
    """alice wrote to bob three times: bob has 3 unread."""
    group = services.send_message(sender=alice, text="one", to=ToHandle("bob")).message_group_uuid
    for text in ("two", "three"):
        services.send_message(sender=alice, text=text, to=InConversation(group))
    return group


def messages(client, user, group):
    return client.get(f"/api/messages/{group}", **auth(user)).json()


def listed(client, user, group):
    [found] = [g for g in client.get("/api/message_groups", **auth(user)).json() if g["uuid"] == group]
    return found["unread_count"], found["muted"]


def unread(client, user):
    response = client.get("/api/message_groups/unread", **auth(user))
    assert response.status_code == 200
    return response.json()


def read(client, user, group, body=None, **extra):
    return client.post(f"/api/messages/{group}/read", body if body is not None else {},
                       content_type="application/json", **auth(user), **extra)


def test_counts_on_the_list_and_the_total(client, conversation, alice, bob, carol):
    services.send_message(sender=carol, text="hi bob", to=ToHandle("bob"))
    assert listed(client, bob, conversation) == (3, False)
    assert listed(client, alice, conversation) == (0, False)
    assert unread(client, bob) == {"unread_count": 4, "conversations": 2}
    assert unread(client, alice) == {"unread_count": 0, "conversations": 0}


def test_read_to_the_newest_by_default(client, conversation, bob):
    newest = messages(client, bob, conversation)[-1]
    response = read(client, bob, conversation)
    assert response.status_code == 200
    assert response.json() == {"message_group_uuid": conversation, "last_read_at": newest["created_at"],
                               "unread_count": 0}
    assert list(response.json()) == ["message_group_uuid", "last_read_at", "unread_count"]
    assert listed(client, bob, conversation) == (0, False)
    assert unread(client, bob) == {"unread_count": 0, "conversations": 0}


def test_read_up_to_a_message_in_the_middle(client, conversation, bob):
    first = messages(client, bob, conversation)[0]
    answer = read(client, bob, conversation, {"up_to": first["created_at"]}).json()
    assert (answer["last_read_at"], answer["unread_count"]) == (first["created_at"], 2)
    # The old backend's time strings are accepted too: the same moment without the fraction's zeros, another offset.
    assert read(client, bob, conversation, {"up_to": "2000-01-01T02:00:00+02:00"}).json() == answer
    assert listed(client, bob, conversation) == (2, False)


def test_mute_and_unmute(client, conversation, bob):
    for method, muted in ((client.post, True), (client.post, True), (client.delete, False), (client.delete, False)):
        response = method(f"/api/messages/{conversation}/mute", **auth(bob))
        assert response.status_code == 200
        assert response.json() == {"message_group_uuid": conversation, "muted": muted}
        assert listed(client, bob, conversation) == (3, muted)
        assert unread(client, bob)["unread_count"] == (0 if muted else 3)


def test_refusals_write_nothing(client, subtests, app_ddb, conversation, bob, carol):
    cases = [
        ("malformed up_to", lambda: read(client, bob, conversation, {"up_to": "yesterday"}), 422, ["up_to_invalid"]),
        ("up_to not text", lambda: read(client, bob, conversation, {"up_to": 5}), 422, ["up_to_invalid"]),
        ("up_to a bare date", lambda: read(client, bob, conversation, {"up_to": "2026-11-24"}), 422,
         ["up_to_invalid"]),
        ("up_to an impossible day", lambda: read(client, bob, conversation,
                                                 {"up_to": "2026-02-30T00:00:00.000000+00:00"}), 422,
         ["up_to_invalid"]),
        ("body not an object", lambda: read(client, bob, conversation, ["up_to"]), 422, ["body_invalid"]),
        ("body not JSON", lambda: client.post(f"/api/messages/{conversation}/read", "{",
                                              content_type="application/json", **auth(bob)), 422, ["body_not_json"]),
        ("malformed group", lambda: read(client, bob, "not-a-uuid"), 422, ["message_group_uuid_invalid"]),
        ("malformed group and up_to", lambda: read(client, bob, "nope", {"up_to": "x"}), 422,
         ["message_group_uuid_invalid", "up_to_invalid"]),
        ("not a member reads", lambda: read(client, carol, conversation), 404, None),
        ("not a member mutes", lambda: client.post(f"/api/messages/{conversation}/mute", **auth(carol)), 404, None),
        ("unknown conversation", lambda: read(client, bob, "0b0e8f3c-1111-4111-8111-111111111111"), 404, None),
        ("mute a malformed group", lambda: client.delete("/api/messages/x/mute", **auth(bob)), 422,
         ["message_group_uuid_invalid"]),
        ("no token read", lambda: client.post(f"/api/messages/{conversation}/read"), 401, None),
        ("no token unread", lambda: client.get("/api/message_groups/unread"), 401, None),
        ("no token mute", lambda: client.post(f"/api/messages/{conversation}/mute"), 401, None),
        ("GET on read", lambda: client.get(f"/api/messages/{conversation}/read", **auth(bob)), 405, None),
    ]
    for name, request, status, body in cases:
        with subtests.test(name), nothing_stored(*app_ddb):
            response = request()
            assert response.status_code == status, response.content[:300]
            assert response["Content-Type"] == "application/json"
            if body is not None:
                assert response.json() == body
