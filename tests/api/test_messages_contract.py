"""The old client's contract on moto and on DynamoDB Local: paths, bodies, field names and types,
200 on send, 422 with arrays of codes, cursor pagination with Link headers, idempotent retries."""
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.tokens import auth

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
ITEM_FIELDS = ["uuid", "display_name", "handle", "message", "created_at"]
# Message objects carry two additions after the old client's fields; conversation objects the read state's.
EDIT_FIELDS = ["edited_at", "deleted"]
MESSAGE_FIELDS = [*ITEM_FIELDS, *EDIT_FIELDS]
SENT_FIELDS = ["message_group_uuid", *MESSAGE_FIELDS]
GROUP_FIELDS = [*ITEM_FIELDS, "unread_count", "muted"]


def send(client, sender, idempotency_key=None, **body):
    headers = auth(sender)
    if idempotency_key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
    return client.post("/api/messages", body, content_type="application/json", **headers)


def assert_uuid(value):
    assert isinstance(value, str)
    assert str(uuid.UUID(value)) == value


def assert_item(item, fields=ITEM_FIELDS):
    assert list(item) == fields
    assert all(isinstance(item[name], str) for name in fields if name in ITEM_FIELDS or name == "message_group_uuid")
    if "deleted" in fields:
        assert (item["edited_at"], item["deleted"]) == (None, False), "never edited"
    assert_uuid(item["uuid"])
    assert TIME.match(item["created_at"]), item["created_at"]


def link(response, relation: str) -> str | None:
    """The URL of the `Link` header's `relation`, checking the whole header is well-formed links."""
    header = response.get("Link")
    if header is None:
        return None
    found = dict((rel, url) for url, rel in re.findall(r'<(http://testserver/api/[^>]+)>; rel="(next|poll)"', header))
    assert ", ".join(f'<{url}>; rel="{rel}"' for rel, url in found.items()) == header, header
    return found.get(relation)


def next_link(response) -> str | None:
    return link(response, "next")


@pytest.fixture
def conversation(client, app_ddb, alice, bob):
    """alice wrote to bob, bob answered: the group uuid."""
    first = send(client, alice, message="Hello bob", handle="bob").json()
    send(client, bob, message="Hi alice", message_group_uuid=first["message_group_uuid"])
    return first["message_group_uuid"]


def test_send_with_handle_returns_200_and_the_message(client, app_ddb, alice, bob):
    response = send(client, alice, message="Hello bob", handle="bob")
    assert response.status_code == 200
    sent = response.json()
    assert_item(sent, SENT_FIELDS)
    assert_uuid(sent["message_group_uuid"])
    assert (sent["handle"], sent["display_name"], sent["message"]) == ("alice", "Alice", "Hello bob")


def test_send_with_message_group_uuid_continues_the_conversation(client, app_ddb, alice, bob, conversation):
    response = send(client, alice, message="Still there?", message_group_uuid=conversation)
    assert response.status_code == 200
    assert response.json()["message_group_uuid"] == conversation


def test_first_message_to_someone_you_already_talk_to_joins_that_conversation(client, conversation, alice, bob):
    again = send(client, bob, message="Me again", handle="@Alice").json()
    assert again["message_group_uuid"] == conversation


def test_message_groups_newest_first_with_the_other_member(client, app_ddb, alice, bob, carol, conversation):
    send(client, carol, message="Hey alice, carol here", handle="alice")
    response = client.get("/api/message_groups", **auth(alice))
    assert response.status_code == 200
    groups = response.json()
    assert isinstance(groups, list)
    for group in groups:
        assert_item(group, GROUP_FIELDS)
        assert isinstance(group["unread_count"], int) and isinstance(group["muted"], bool)
    assert [(g["handle"], g["display_name"], g["message"]) for g in groups] == [
        ("carol", "Carol", "Hey alice, carol here"),
        ("bob", "Bob", "Hi alice"),
    ]
    assert groups[1]["uuid"] == conversation
    assert groups[0]["created_at"] > groups[1]["created_at"]
    bobs_view = client.get("/api/message_groups", **auth(bob)).json()
    assert [(g["uuid"], g["handle"], g["message"]) for g in bobs_view] == [(conversation, "alice", "Hi alice")]


def test_messages_oldest_first_with_the_sender(client, alice, bob, conversation):
    response = client.get(f"/api/messages/{conversation}", **auth(bob))
    assert response.status_code == 200
    messages = response.json()
    for message in messages:
        assert_item(message, MESSAGE_FIELDS)
    assert [(m["handle"], m["display_name"], m["message"]) for m in messages] == [
        ("alice", "Alice", "Hello bob"),
        ("bob", "Bob", "Hi alice"),
    ]
    assert messages[0]["created_at"] < messages[1]["created_at"]
    assert messages[0]["uuid"] != messages[1]["uuid"]


def test_sent_message_is_what_the_conversation_shows(client, alice, bob, conversation):
    sent = send(client, alice, message="Ünïcödé ✓ <b>kept</b> & \"quoted\"", message_group_uuid=conversation).json()
    shown = client.get(f"/api/messages/{conversation}", **auth(alice)).json()[-1]
    assert shown == {name: sent[name] for name in MESSAGE_FIELDS}


def test_user_short(client, alice, bob):
    response = client.get("/api/users/@Bob/short", **auth(alice))
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["uuid", "handle", "display_name"]
    assert body == {"uuid": str(bob.uuid), "handle": "bob", "display_name": "Bob"}


@pytest.mark.parametrize("body,codes", [
    ({"message": "", "handle": "bob"}, ["message_blank"]),
    ({"message": "   ", "handle": "bob"}, ["message_blank"]),
    ({"handle": "bob"}, ["message_blank"]),
    ({"message": "x" * 1025, "handle": "bob"}, ["message_exceed_max_chars"]),
    ({"message": "hi"}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "handle": ""}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "handle": "nobody"}, ["user_reciever_handle_not_found"]),
    ({"message": "hi", "handle": "alice"}, ["message_to_self"]),
    ({"message": "hi", "message_group_uuid": ""}, ["message_group_uuid_blank"]),
    ({"message": "hi", "message_group_uuid": "not-a-uuid"}, ["message_group_uuid_invalid"]),
    ({"message": "a\x00b", "handle": "bob"}, ["message_invalid_characters"]),
    ({"message": True, "handle": "bob"}, ["message_invalid"]),
    ({"message": 42, "handle": "bob"}, ["message_invalid"]),
    ({"message": "hi", "handle": ["bob"]}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "message_group_uuid": 7}, ["message_group_uuid_blank"]),
    ({}, ["user_reciever_handle_blank", "message_blank"]),
])
def test_invalid_sends_are_422_with_the_old_codes(client, app_ddb, alice, bob, body, codes):
    response = send(client, alice, **body)
    assert response.status_code == 422
    assert response.json() == codes


def test_1024_characters_are_fine(client, app_ddb, alice, bob):
    assert send(client, alice, message="x" * 1024, handle="bob").status_code == 200


def test_idempotency_key_makes_a_retry_safe(client, alice, bob, conversation):
    first = send(client, alice, "retry-1", message="Only once", message_group_uuid=conversation)
    again = send(client, alice, "retry-1", message="Only once", message_group_uuid=conversation)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    texts = [m["message"] for m in client.get(f"/api/messages/{conversation}", **auth(alice)).json()]
    assert texts.count("Only once") == 1


def test_idempotency_key_reused_for_another_message_is_422(client, alice, bob, conversation):
    assert send(client, alice, "key-2", message="One", message_group_uuid=conversation).status_code == 200
    response = send(client, alice, "key-2", message="Two", message_group_uuid=conversation)
    assert (response.status_code, response.json()) == (422, ["idempotency_key_reused"])


def test_malformed_idempotency_key_is_422(client, app_ddb, alice, bob):
    response = send(client, alice, "not a valid key!", message="hi", handle="bob")
    assert (response.status_code, response.json()) == (422, ["idempotency_key_invalid"])


def test_messages_page_back_through_link_headers(client, alice, bob, conversation):
    for n in range(5):
        send(client, alice, message=f"m{n}", message_group_uuid=conversation)
    everything = [m["uuid"] for m in client.get(f"/api/messages/{conversation}?limit=100", **auth(alice)).json()]
    assert len(everything) == 7

    pages = []
    url = f"/api/messages/{conversation}?limit=3"
    while url:
        response = client.get(url, **auth(alice))
        assert response.status_code == 200
        page = [m["uuid"] for m in response.json()]
        assert len(page) <= 3
        pages.append(page)
        url = next_link(response)
        if url:
            assert parse_qs(urlsplit(url).query)["limit"] == ["3"]
    # Newest page first, each page oldest first; together every message exactly once.
    assert [uuid_ for page in reversed(pages) for uuid_ in page] == everything
    assert len(pages) == 3


def test_polling_with_after_returns_only_newer_messages(client, alice, bob, conversation):
    newest_page = client.get(f"/api/messages/{conversation}?limit=1", **auth(alice))
    newest = newest_page.json()[0]
    # The newest page says where polling starts: after the newest message shown.
    poll = client.get(link(newest_page, "poll"), **auth(alice))
    assert (poll.status_code, poll.json()) == (200, [])
    assert next_link(poll) is None  # nothing more now
    assert "after=" in link(poll, "poll")  # a poll always says where the next poll starts

    sent = send(client, bob, message="new one", message_group_uuid=conversation).json()
    poll = client.get(link(poll, "poll"), **auth(alice))
    assert [m["uuid"] for m in poll.json()] == [sent["uuid"]]
    assert newest["uuid"] != sent["uuid"]
    assert client.get(link(poll, "poll"), **auth(alice)).json() == []


def test_a_client_following_next_from_a_poll_stops(client, alice, bob, conversation):
    start = link(client.get(f"/api/messages/{conversation}?limit=1", **auth(alice)), "poll")
    sent = [send(client, bob, message=f"burst {n}", message_group_uuid=conversation).json()["uuid"] for n in range(5)]
    got, url, requests_made = [], start.replace("limit=1", "limit=2"), 0
    while url:
        response = client.get(url, **auth(alice))
        got += [m["uuid"] for m in response.json()]
        url = next_link(response)
        requests_made += 1
        assert requests_made <= 3
    assert got == sent


def test_message_groups_page_back_through_link_headers(client, app_ddb, alice, db):
    from tests.support.users import make_user

    partners = [make_user(f"friend{n}") for n in range(4)]
    for partner in partners:
        send(client, partner, message=f"hi from {partner.handle}", handle="alice")
    seen = []
    url = "/api/message_groups?limit=3"
    while url:
        response = client.get(url, **auth(alice))
        seen += [g["handle"] for g in response.json()]
        url = next_link(response)
    assert seen == ["friend3", "friend2", "friend1", "friend0"]


@pytest.mark.parametrize("query,codes", [
    ("limit=0", ["limit_invalid"]),
    ("limit=101", ["limit_invalid"]),
    ("limit=ten", ["limit_invalid"]),
    ("before=not-a-cursor", ["cursor_invalid"]),
    ("after=%00", ["cursor_invalid"]),
])
def test_bad_paging_parameters_are_422(client, alice, conversation, query, codes):
    for path in ("/api/message_groups", f"/api/messages/{conversation}"):
        response = client.get(f"{path}?{query}", **auth(alice))
        assert (response.status_code, response.json()) == (422, codes)


def test_history_from_past_years_stays_reachable(client, app_ddb, alice, bob):
    """No year-prefix tricks: a conversation begun years ago pages back to its first message."""
    from messaging import ddb
    from messaging.services import user_ref
    from messaging.store.store import MessageStore

    years_ago = MessageStore(*app_ddb, clock=lambda: datetime(2019, 5, 1, 12, 0, tzinfo=UTC))
    first = years_ago.send_to_user(sender=user_ref(user=alice), recipient=user_ref(user=bob), text="from 2019")
    for n in range(3):
        send(client, bob, message=f"now {n}", message_group_uuid=first.message_group_uuid)
    texts = []
    url = f"/api/messages/{first.message_group_uuid}?limit=2"
    while url:
        response = client.get(url, **auth(alice))
        texts = [m["message"] for m in response.json()] + texts
        url = next_link(response)
    assert texts == ["from 2019", "now 0", "now 1", "now 2"]
    assert ddb.table_name() == app_ddb[1]


def assert_never_stored(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_answers_with_messages_are_never_stored_by_a_cache(client, alice, bob, conversation):
    for response in (
        client.get("/api/message_groups", **auth(alice)),
        client.get(f"/api/messages/{conversation}", **auth(alice)),
        send(client, alice, message="for alice and bob only", message_group_uuid=conversation),
    ):
        assert response.status_code == 200
        assert_never_stored(response)
