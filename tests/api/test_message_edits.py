"""PATCH and DELETE /api/messages/<message_group_uuid>/<message_uuid>: edit and delete your own messages.

Each refusal is a clear answer and writes nothing (a consistent Scan of the table and the user rows,
before and after); the edit window runs on the app store's clock, which the tests move."""
import functools
from datetime import timedelta

import pytest

from tests.support.stored_state import COMBINING, nothing_stored
from tests.support.tokens import auth

UNKNOWN = "99999999-9999-4999-8999-999999999999"


def send(client, sender, **body):
    response = client.post("/api/messages", body, content_type="application/json", **auth(sender))
    assert response.status_code == 200
    return response.json()


def edit(client, user, group, message, body):
    return client.patch(f"/api/messages/{group}/{message}", body, content_type="application/json", **auth(user))


def delete(client, user, group, message):
    return client.delete(f"/api/messages/{group}/{message}", **auth(user))


def history(client, user, group):
    return client.get(f"/api/messages/{group}", **auth(user)).json()


def conversations(client, user):
    return [(g["uuid"], g["message"]) for g in client.get("/api/message_groups", **auth(user)).json()]


@pytest.fixture
def sent(client, app_clock, alice, bob, carol):
    """alice wrote to bob, bob answered, alice wrote again (the last message); carol talks to alice."""
    first = send(client, alice, message="Hello bob", handle="bob")
    group = first["message_group_uuid"]
    app_clock.advance(timedelta(seconds=1))
    answer = send(client, bob, message="Hi alice", message_group_uuid=group)
    app_clock.advance(timedelta(seconds=1))
    last = send(client, alice, message="How are yuo?", message_group_uuid=group)
    send(client, carol, message="Hi alice, carol here", handle="alice")
    return {"group": group, "first": first, "answer": answer, "last": last}


@pytest.fixture
def nothing_written(app_ddb):
    return functools.partial(nothing_stored, *app_ddb)


def test_editing_the_last_message_shows_everywhere(client, app_clock, alice, bob, sent):
    app_clock.advance(timedelta(seconds=60))
    group, last = sent["group"], sent["last"]

    response = edit(client, alice, group, last["uuid"], {"message": "How are you?"})

    assert response.status_code == 200
    edited = response.json()
    assert list(edited) == ["uuid", "display_name", "handle", "message", "created_at", "edited_at", "deleted"]
    assert (edited["uuid"], edited["handle"], edited["message"], edited["created_at"], edited["deleted"]) == (
        last["uuid"], "alice", "How are you?", last["created_at"], False)
    assert edited["edited_at"] == "2026-11-24T12:01:02.000000+00:00"
    for user in (alice, bob):
        assert history(client, user, group)[-1] == edited
        assert (group, "How are you?") in conversations(client, user)


def test_editing_an_earlier_message_leaves_the_conversation_list(client, alice, bob, sent):
    group = sent["group"]

    response = edit(client, alice, group, sent["first"]["uuid"], {"message": "Hello, bob"})

    assert response.status_code == 200
    assert [m["message"] for m in history(client, bob, group)] == ["Hello, bob", "Hi alice", "How are yuo?"]
    assert (group, "How are yuo?") in conversations(client, bob)


def test_deleting_keeps_the_message_in_the_history_with_empty_text(client, alice, bob, sent):
    group, last = sent["group"], sent["last"]

    response = delete(client, alice, group, last["uuid"])

    assert response.status_code == 200
    assert response.json() == {"uuid": last["uuid"], "deleted": True}
    as_sent = {name: value for name, value in last.items() if name != "message_group_uuid"}
    assert history(client, bob, group)[-1] == {**as_sent, "message": "", "deleted": True}
    for user in (alice, bob):
        assert (group, "") in conversations(client, user)


def test_repeating_a_delete_answers_the_same_and_writes_nothing(client, alice, sent, nothing_written):
    group, last = sent["group"], sent["last"]
    first_answer = delete(client, alice, group, last["uuid"]).json()

    with nothing_written():
        again = delete(client, alice, group, last["uuid"])

    assert again.status_code == 200
    assert again.json() == first_answer


def test_the_edit_window_closes_after_the_setting(client, app_clock, alice, sent, settings, nothing_written):
    settings.MESSAGE_EDIT_WINDOW_SECONDS = 300
    group, last = sent["group"], sent["last"]
    app_clock.advance(timedelta(seconds=300))
    assert edit(client, alice, group, last["uuid"], {"message": "just in time"}).status_code == 200
    app_clock.advance(timedelta(microseconds=1))

    with nothing_written():
        response = edit(client, alice, group, last["uuid"], {"message": "too late"})

    assert response.status_code == 422
    assert response.json() == ["message_edit_window_closed"]
    assert delete(client, alice, group, last["uuid"]).status_code == 200, "deleting has no window"


def test_a_deleted_message_cannot_be_edited(client, alice, sent, nothing_written):
    group, last = sent["group"], sent["last"]
    delete(client, alice, group, last["uuid"])

    with nothing_written():
        response = edit(client, alice, group, last["uuid"], {"message": "back again"})

    assert response.status_code == 422
    assert response.json() == ["message_deleted"]


@pytest.mark.parametrize("who, which", [
    ("bob", "last"),  # a member, but not the sender
    ("carol", "last"),  # not a member
    ("alice", "answer"),  # her conversation, bob's message
    ("alice", "unknown"),
    ("alice", "other conversation"),
])
def test_what_is_not_your_own_message_is_404(client, alice, bob, carol, sent, nothing_written, who, which):
    user = {"alice": alice, "bob": bob, "carol": carol}[who]
    group = sent["group"]
    message = {"last": sent["last"]["uuid"], "answer": sent["answer"]["uuid"], "unknown": UNKNOWN}.get(which)
    if which == "other conversation":
        group, message = conversations(client, carol)[0][0], sent["last"]["uuid"]

    with nothing_written():
        edited = edit(client, user, group, message, {"message": "mine now"})
        deleted = delete(client, user, group, message)

    for response in (edited, deleted):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("body, codes", [
    ({"message": ""}, ["message_blank"]),
    ({"message": "   "}, ["message_blank"]),
    ({}, ["message_blank"]),
    ({"message": 7}, ["message_invalid"]),
    ({"message": "x" * 1025}, ["message_exceed_max_chars"]),
    ({"message": "bad \x00 byte"}, ["message_invalid_characters"]),
    (["message"], ["body_invalid"]),
])
def test_bad_edits_are_422_with_the_send_codes(client, alice, sent, nothing_written, body, codes):
    with nothing_written():
        response = edit(client, alice, sent["group"], sent["last"]["uuid"], body)

    assert response.status_code == 422
    assert response.json() == codes


def test_1024_characters_as_people_count_them_are_a_valid_edit(client, alice, sent):
    response = edit(client, alice, sent["group"], sent["last"]["uuid"], {"message": COMBINING * 1024})

    assert response.status_code == 200


@pytest.mark.parametrize("group, message, status, body", [
    ("not-a-uuid", "SENT", 422, ["message_group_uuid_invalid"]),
    # Only a uuid-shaped last segment names a message: anything else is no such path.
    ("GROUP", "abc-123", 404, {"detail": "Not found."}),
])
def test_malformed_uuids_are_clear_errors(client, alice, sent, nothing_written, group, message, status, body):
    group = sent["group"] if group == "GROUP" else group
    message = sent["last"]["uuid"] if message == "SENT" else message

    with nothing_written():
        edited = edit(client, alice, group, message, {"message": "fine"})
        deleted = delete(client, alice, group, message)

    assert (edited.status_code, edited.json()) == (status, body)
    assert (deleted.status_code, deleted.json()) == (status, body)


def test_without_a_token_it_is_401(client, sent, nothing_written):
    with nothing_written():
        response = client.delete(f"/api/messages/{sent['group']}/{sent['last']['uuid']}")

    assert response.status_code == 401
