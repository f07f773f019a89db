"""Hand-written bad input to the API: every case is a clear 4xx with JSON, and writes nothing:
the DynamoDB table holds the same items (a full, consistent Scan) and the user rows are unchanged.

Cases of one kind share a test (one table, one conversation) and each is a subtest, so a failure names it."""
import base64
import functools
import json
from contextlib import contextmanager

import pytest

from messaging import services
from messaging.recipients import InConversation, ToHandle
from tests.support.stored_state import COMBINING, EMOJI, FLAG, nothing_stored
from tests.support.tokens import auth

MOTO = pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)

@pytest.fixture
def conversation(app_ddb, alice, bob):
    """alice wrote to bob and bob answered, so the table and both users have state to keep."""
    first = services.send_message(sender=alice, text="Hello bob", to=ToHandle("bob"))
    services.send_message(sender=bob, text="Hi alice", to=InConversation(first.message_group_uuid))
    return first.message_group_uuid


@pytest.fixture
def nothing_written(app_ddb, conversation):
    return functools.partial(nothing_stored, *app_ddb)


@pytest.fixture
def refused(subtests, nothing_written):
    """`with refused(name):` runs one case as a subtest that must write nothing."""

    @contextmanager
    def case(name: str):
        with subtests.test(name), nothing_written():
            yield

    return case


def assert_refused(response, status: int, body=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    if body is not None:
        assert response.json() == body


def post_raw(client, user, body, content_type="application/json", **headers):
    if isinstance(body, str):
        # A lone surrogate cannot be UTF-8: it goes as the JSON escape \udXXX, as JSON.stringify sends it.
        body = body.encode("utf-8", "backslashreplace")
    return client.post("/api/messages", body, content_type=content_type, **auth(user), **headers)


def post_json(client, user, value, **headers):
    # ensure_ascii=False: sizes in the body are the UTF-8 sizes a client sends.
    return post_raw(client, user, json.dumps(value, ensure_ascii=False), **headers)


def shown(text: str) -> str:
    """A case's name: printable, short."""
    return text[:40].encode("unicode_escape").decode()


def with_uuid(template: str, group: str) -> str:
    """Put a real conversation's uuid (UUID) or its bare hex (HEX) into a template."""
    return template.replace("UUID", group).replace("HEX", group.replace("-", ""))


@MOTO
def test_the_check_sees_a_write(client, alice, nothing_written):
    """The before/after comparison is not blind: an accepted send fails it."""
    with pytest.raises(AssertionError, match="DynamoDB items changed"), nothing_written():
        assert post_json(client, alice, {"message": "This one is stored", "handle": "bob"}).status_code == 200


@MOTO
def test_the_check_sees_a_user_row_write(client, alice, nothing_written):
    """Its user half is not blind either: a changed user row fails it, with the table untouched."""
    with pytest.raises(AssertionError, match="user rows changed"), nothing_written():
        alice.display_name = "Alice, renamed"
        alice.save(update_fields=["display_name"])


NOT_JSON = {
    "truncated": b'{"message": "hi", "handle": "bob"',
    "plain words": b"hello bob",
    "single quotes": b"{'message': 'hi', 'handle': 'bob'}",
    "NaN": b'{"message": NaN, "handle": "bob"}',
    "Infinity": b'{"message": "hi", "handle": "bob", "n": Infinity}',
    "trailing comma": b'{"message": "hi", "handle": "bob",}',
    "invalid UTF-8": b'{"message": "\xff\xfe\xfd", "handle": "bob"}',
    "UTF-16": '{"message": "hi", "handle": "bob"}'.encode("utf-16"),
    "two documents": b'{"message": "hi", "handle": "bob"} {"message": "again", "handle": "bob"}',
    "deeply nested array": b"[" * 30000 + b"]" * 30000,
    "deeply nested object": b'{"message": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b', "handle": "bob"}',
}


@MOTO
def test_a_body_that_is_not_json_is_422(client, alice, refused):
    for name, body in NOT_JSON.items():
        with refused(name):
            assert_refused(post_raw(client, alice, body), 422, ["body_not_json"])


@MOTO
def test_a_body_that_is_not_declared_json_is_415(client, alice, refused):
    body = '{"message": "hi", "handle": "bob"}'
    for content_type in ["text/plain", "application/xml", "multipart/form-data; boundary=x",
                         "application/x-www-form-urlencoded", "application/json-seq"]:
        with refused(content_type):
            assert_refused(post_raw(client, alice, body, content_type), 415)


WRONG_TYPES = [
    (b"", ["user_reciever_handle_blank", "message_blank"]),  # no body is an empty one, as the old backend read it
    ([], ["body_invalid"]),
    ([{"message": "hi", "handle": "bob"}], ["body_invalid"]),
    ("message", ["body_invalid"]),
    (42, ["body_invalid"]),
    (None, ["body_invalid"]),
    (True, ["body_invalid"]),
    ({"message": ["hi"], "handle": "bob"}, ["message_invalid"]),
    ({"message": {"text": "hi"}, "handle": "bob"}, ["message_invalid"]),
    ({"message": 1.5, "handle": "bob"}, ["message_invalid"]),
    ({"message": None, "handle": "bob"}, ["message_blank"]),
    ({"message": "hi", "handle": 7}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "handle": {"handle": "bob"}}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "handle": None}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "handle": False}, ["user_reciever_handle_blank"]),
    ({"message": "hi", "message_group_uuid": ["x"]}, ["message_group_uuid_blank"]),
    ({"message": "hi", "message_group_uuid": {"uuid": "x"}}, ["message_group_uuid_blank"]),
    ({"message": "hi", "message_group_uuid": 12345678901234567890}, ["message_group_uuid_blank"]),
]


@MOTO
def test_wrong_json_types_are_422_with_their_code(client, alice, refused):
    for body, codes in WRONG_TYPES:
        with refused(repr(body)[:40]):
            response = post_raw(client, alice, body) if isinstance(body, bytes) else post_json(client, alice, body)
            assert_refused(response, 422, codes)


@MOTO
def test_huge_bodies_are_refused(client, alice, refused, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    with refused("over the upload limit"):
        body = {"message": "hi", "handle": "bob", "padding": "x" * limit}
        assert_refused(post_json(client, alice, body), 413, {"detail": "Request body too large."})
    with refused("a huge handle inside the limit"):
        body = {"message": "hi", "handle": "b" * (limit - 100)}
        assert_refused(post_json(client, alice, body), 422, ["user_reciever_handle_not_found"])
    with refused("a huge uuid inside the limit"):
        body = {"message": "hi", "message_group_uuid": "0" * (limit - 100)}
        assert_refused(post_json(client, alice, body), 422, ["message_group_uuid_invalid"])
    with refused("many keys"):
        body = {f"k{number}": number for number in range(limit // 16)} | {"handle": "bob"}
        assert_refused(post_json(client, alice, body), 422, ["message_blank"])
    with refused("one character of 9,000 combining marks (18 KB)"):
        body = {"message": "e" + "\u0301" * 9000, "handle": "bob"}
        assert_refused(post_json(client, alice, body), 422, ["message_exceed_max_chars"])


@pytest.mark.parametrize("unit", ["x", EMOJI, FLAG, COMBINING, "\u00e9"],
                         ids=["ascii", "emoji", "flag", "combining", "precomposed"])
def test_exactly_1024_characters_are_accepted_and_stored_as_sent(client, app_ddb, alice, bob, unit):
    text = unit * 1024
    response = post_json(client, alice, {"message": text, "handle": "bob"})
    assert response.status_code == 200, response.content[:200]
    assert response.json()["message"] == text
    [stored] = client.get(f"/api/messages/{response.json()['message_group_uuid']}", **auth(bob)).json()
    assert stored["message"] == text


@MOTO
def test_1025_characters_are_refused(client, alice, refused):
    cases = {"ascii": "x" * 1025, "emoji": EMOJI * 1025, "flag": FLAG * 1025, "combining": COMBINING * 1025,
             "1024 ascii and an emoji": "x" * 1024 + EMOJI}
    for name, text in cases.items():
        with refused(name):
            response = post_json(client, alice, {"message": text, "handle": "bob"})
            assert_refused(response, 422, ["message_exceed_max_chars"])


CONTROL_CHARACTERS = {
    "NUL alone": "\x00",
    "NUL inside": "hi\x00there",
    "bell": "ding\x07",
    "escape sequence": "\x1b[2J\x1b[31mred",
    "DEL": "del\x7f",
    "C1 control": "next\x85line",
    "backspace": "abc\x08\x08\x08xyz",
    "form feed": "page\x0cbreak",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "hi \udfff",
    "two high surrogates": "\udbff\udbff",
}


@MOTO
def test_control_characters_and_lone_surrogates_in_a_message_are_refused(client, alice, refused):
    for name, text in CONTROL_CHARACTERS.items():
        with refused(name):
            response = post_json(client, alice, {"message": text, "handle": "bob"})
            assert_refused(response, 422, ["message_invalid_characters"])


BAD_HANDLES = [
    "bob#1", "GRP#bob", "MSG#bob", "bob/carol", "../bob", "..", "./bob", "bob/..", "%2e%2e", "bob%00",
    "bo\x00b", "\x00", "bob\x00", "bob\x1b", "\ud800", "bob\udfff",
    "b\u043eb",  # a Cyrillic o: looks like bob, is not bob
    "bob\u200b",  # a zero-width space
    "b" * 33,
]


@MOTO
def test_sending_to_a_handle_with_path_key_or_control_characters_is_not_found(client, alice, refused):
    for handle in BAD_HANDLES:
        with refused(shown(handle)):
            response = post_json(client, alice, {"message": "hi", "handle": handle})
            assert_refused(response, 422, ["user_reciever_handle_not_found"])


@MOTO
def test_looking_up_a_handle_with_path_key_or_control_characters_is_404(client, alice, refused):
    for handle in ["bob%23x", "bob%231", "GRP%23bob", "..", "%2e%2e", ".", "bob%00", "%00", "bob%1B", "%ff",
                   "%ED%A0%80", "bob%2F..", "b%D0%BEb", "bob%E2%80%8B", "b" * 3000]:
        with refused(handle[:40]):
            assert_refused(client.get(f"/api/users/@{handle}/short", **auth(alice)), 404)


NOT_UUIDS = [
    "not-a-uuid", "1234", "HEX", "{UUID}", "urn:uuid:UUID", "UUID\n", " UUID", "UUID0", "../UUID", "UUID\x00",
    "\x00", "\ud800", "x" * 5000, "00000000-0000-0000-0000-00000000000\u0661",  # an Arabic-Indic digit one
]


@MOTO
def test_sending_to_a_message_group_uuid_that_is_not_a_uuid_is_422(client, alice, refused, conversation):
    for template in NOT_UUIDS:
        with refused(shown(template)):
            response = post_json(client, alice, {"message": "hi", "message_group_uuid": with_uuid(template,
                                                                                                   conversation)})
            assert_refused(response, 422, ["message_group_uuid_invalid"])


@MOTO
def test_reading_a_conversation_by_something_not_a_uuid_is_422(client, alice, refused, conversation):
    for segment in ["not-a-uuid", "..", "%2e%2e", ".", "%00", "%ff%fe", "%ED%A0%80", "x" * 3000, "%7BUUID%7D",
                    "HEX", "urn:uuid:UUID", "UUID%0A", "UUID%00", "UUID%20", "%F0%9F%91%8D", "UUID%23x"]:
        with refused(segment[:40]):
            response = client.get("/api/messages/" + with_uuid(segment, conversation), **auth(alice))
            assert_refused(response, 422, ["message_group_uuid_invalid"])


@MOTO
def test_paths_with_slashes_after_the_conversation_are_404(client, alice, refused, conversation):
    for path in ["/api/messages/%2F", "/api/messages/UUID%2F..", "/api/messages/UUID/..",
                 "/api/messages/../message_groups", "/api/messages/%2E%2e%2F"]:
        with refused(path):
            assert_refused(client.get(with_uuid(path, conversation), **auth(alice)), 404)


@MOTO
def test_malformed_idempotency_keys_are_422(client, alice, refused):
    for key in ["a" * 129, "has space", "key#1", "key/../1", "%00", "caf\u00e9", "", "tab\tkey"]:
        with refused(shown(key)):
            response = post_json(client, alice, {"message": "hi", "handle": "bob"}, HTTP_IDEMPOTENCY_KEY=key)
            assert_refused(response, 422, ["idempotency_key_invalid"])


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode().rstrip("=")


BAD_PAGING = [
    ("limit=", ["limit_invalid"]),
    ("limit=%00", ["limit_invalid"]),
    ("limit=10.0", ["limit_invalid"]),
    ("limit=1e2", ["limit_invalid"]),
    ("limit=-1", ["limit_invalid"]),
    ("limit=0x10", ["limit_invalid"]),
    ("limit=99999999999999999999999999", ["limit_invalid"]),
    ("limit=" + "9" * 5000, ["limit_invalid"]),
    ("before=%00", ["cursor_invalid"]),
    ("before=%ff%fe", ["cursor_invalid"]),
    ("after=" + "A" * 5000, ["cursor_invalid"]),
    ("before=" + cursor_of("GRP#someone-else"), ["cursor_invalid"]),
    ("before=" + cursor_of("\ud800"), ["cursor_invalid"]),
    ("before=x&after=y", ["cursor_invalid"]),
]


@MOTO
def test_bad_paging_parameters_are_422(client, alice, refused, conversation):
    for path in ["/api/message_groups", f"/api/messages/{conversation}"]:
        for query, codes in BAD_PAGING:
            with refused(f"{path.split('/')[2]}?{query[:40]}"):
                assert_refused(client.get(f"{path}?{query}", **auth(alice)), 422, codes)


# Cursors that decode to text fromisoformat() parses but the app never issues; the first is the attack run's:
# DynamoDB Local refuses a sort key over 1,024 bytes, and the refusal was a 500.
CRAFTED_CURSORS = {
    "a fraction of 2,000 digits": cursor_of("2026-11-24T12:30:01." + "1" * 2000 + "+00:00"),
    "a fraction of 7 digits": cursor_of("2026-11-24T12:30:01.1234567+00:00"),
    "a bare date": cursor_of("2026-11-24"),
    "a week date": cursor_of("2026-W48-2T12:30:01+00:00"),
    "no separators": cursor_of("20261124T123001+0000"),
    "non-ASCII digits": cursor_of("\u0662026-11-24T12:30:01.123456+00:00"),
}


def test_crafted_cursors_are_422_on_moto_and_dynamodb_local(client, alice, refused, conversation):
    for path in ["/api/message_groups", f"/api/messages/{conversation}"]:
        for name, cursor in CRAFTED_CURSORS.items():
            for direction in ("before", "after"):
                with refused(f"{path.split('/')[2]}?{direction}= {name}"):
                    response = client.get(f"{path}?{direction}={cursor}", **auth(alice))
                    assert_refused(response, 422, ["cursor_invalid"])


def test_cursors_of_old_backend_times_are_still_accepted(client, alice, conversation):
    """The old backend wrote isoformat() of other offsets, and no fraction at a whole second."""
    for time in ["2026-11-24T12:30:01+00:00", "2026-11-24T13:30:01.123456+01:00", "2026-11-24T12:30:01.123456"]:
        response = client.get(f"/api/messages/{conversation}?before={cursor_of(time)}", **auth(alice))
        assert response.status_code == 200, (time, response.content[:300])


BAD_TOKEN_REQUESTS = [
    (b"username=bob&password=x", 422, ["body_not_json"]),
    (b'{"username": "bob", "password": NaN}', 422, ["body_not_json"]),
    (b"[" * 30000 + b"]" * 30000, 422, ["body_not_json"]),
    ([], 422, ["body_invalid"]),
    ({"username": ["bob"], "password": "x"}, 422, ["username_invalid"]),
    ({"username": "bob", "password": {"p": 1}}, 422, ["password_invalid"]),
    ({"username": "bob\x00", "password": "x"}, 422, ["username_null_characters_not_allowed"]),
    ({"username": "bob", "password": "x\x00"}, 422, ["password_null_characters_not_allowed"]),
    ({"username": "bob\ud800", "password": "x"}, 422, ["username_surrogate_characters_not_allowed"]),
    ({"username": "b" * 60_000, "password": "x"}, 422, ["username_max_length"]),
    ({"username": "bob#1", "password": "x"}, 401, None),
    ({"username": "../bob", "password": "x"}, 401, None),
    ({"username": "bob", "password": "x" * 70_000}, 413, None),
]


@MOTO
def test_bad_token_requests_are_refused(client, refused):
    for body, status, codes in BAD_TOKEN_REQUESTS:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        with refused(shown(raw.decode())):
            assert_refused(client.post("/api/auth/token", raw, content_type="application/json"), status, codes)
