"""Nasty input through the page forms (new message, the conversation's send form, people search,
login): a clear error next to the form, the text kept in it, and nothing written: the DynamoDB
table holds the same items and the user rows are unchanged. Cases of one kind share a test and
each is a subtest, so a failure names it."""
import base64
import html as html_escapes
import re
from contextlib import contextmanager

import pytest
from django.test import Client

from tests.support.html import form_errors, hidden_key, message_texts
from tests.support.stored_state import COMBINING, EMOJI, FLAG, nothing_stored
from tests.support.users import PASSWORD

MOTO = pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
TOO_LONG = "A message can be at most 1024 characters."
BAD_CHARACTERS = "The message contains characters that cannot be sent."
NULL_CHARACTERS = "Null characters are not allowed."

REFUSED_MESSAGES = {
    "NUL": ("hi\x00there", NULL_CHARACTERS),
    "bell": ("ding\x07", BAD_CHARACTERS),
    "escape sequence": ("\x1b[2J\x1b[31mred", BAD_CHARACTERS),
    "DEL": ("del\x7f", BAD_CHARACTERS),
    "C1 control": ("next\x85line", BAD_CHARACTERS),
    "1025 ascii": ("x" * 1025, TOO_LONG),
    "1025 emoji": (EMOJI * 1025, TOO_LONG),
    "1025 flags": (FLAG * 1025, TOO_LONG),
    "1025 combining": (COMBINING * 1025, TOO_LONG),
    "1024 ascii and an emoji": ("x" * 1024 + EMOJI, TOO_LONG),
    "one character of 9,000 marks": ("e" + "\u0301" * 9000, TOO_LONG),
    "only spaces and line breaks": (" \r\n\t \r\n", "Write a message before sending."),
}


@pytest.fixture
def nothing_written(app_ddb, conversation_uuid, subtests):
    """`with nothing_written(name):` runs one case as a subtest that must leave the table and users as they were."""
    client, table = app_ddb

    @contextmanager
    def unchanged(name: str):
        with subtests.test(name), nothing_stored(client, table):
            yield

    return unchanged


def textarea(html: str) -> str:
    return html_escapes.unescape(re.search(r"<textarea[^>]*>\n(.*?)</textarea>", html, re.S).group(1))


def assert_form_refused(response, text: str, error: str):
    """422, the error next to the box, the text kept as typed."""
    html = response.content.decode()
    assert response.status_code == 422, html[:300]
    assert error in form_errors(html)
    assert textarea(html) == text


@MOTO
@pytest.mark.parametrize("page", ["new message", "conversation"])
def test_refused_messages_show_the_error_keep_the_text_and_write_nothing(
    andrew_client, conversation_uuid, nothing_written, page
):
    path = "/messages/new/bayko" if page == "new message" else f"/messages/{conversation_uuid}"
    andrew_client.get(path)  # opening the conversation reads it (a write): from then on, the page writes nothing
    for name, (text, error) in REFUSED_MESSAGES.items():
        with nothing_written(name):
            key = hidden_key(andrew_client.get(path).content.decode())
            assert_form_refused(andrew_client.post(path, {"message": text, "idempotency_key": key}), text, error)


@pytest.mark.parametrize("unit", ["x", EMOJI, FLAG, COMBINING], ids=["ascii", "emoji", "flag", "combining"])
def test_exactly_1024_characters_are_sent_from_the_form(app_ddb, andrew_client, conversation_uuid, unit):
    response = andrew_client.post(f"/messages/{conversation_uuid}", {"message": unit * 1024})
    assert response.status_code == 302
    assert message_texts(andrew_client.get(response["Location"]).content.decode())[-1] == unit * 1024


@MOTO
@pytest.mark.parametrize("page", ["new message", "conversation"])
def test_a_malformed_form_key_asks_to_send_again_and_writes_nothing(
    andrew_client, conversation_uuid, nothing_written, page
):
    path = "/messages/new/bayko" if page == "new message" else f"/messages/{conversation_uuid}"
    for key in ["a" * 129, "has space", "key#1", "../../x", "\x00"]:
        with nothing_written(repr(key)[:40]):
            response = andrew_client.post(path, {"message": "Still here", "idempotency_key": key})
            html = response.content.decode()
            assert response.status_code == 422
            assert form_errors(html) == ["The form was out of date. Press Send again."]
            assert textarea(html) == "Still here"
            assert hidden_key(html) != key  # the next press sends with a fresh key


@MOTO
@pytest.mark.parametrize("page", ["new message", "conversation"])
def test_huge_form_posts_are_a_400_and_write_nothing(andrew_client, conversation_uuid, nothing_written, page,
                                                     settings):
    path = "/messages/new/bayko" if page == "new message" else f"/messages/{conversation_uuid}"
    with nothing_written("over the upload limit"):
        response = andrew_client.post(path, {"message": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
        assert response.status_code == 400
    with nothing_written("too many fields"):
        fields = {f"f{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
        response = andrew_client.post(path, {"message": "hi", **fields})
        assert response.status_code == 400


@MOTO
def test_new_message_to_a_handle_with_path_key_or_control_characters_is_not_found(andrew_client, nothing_written):
    for handle in ["bayko%23x", "GRP%23bayko", "..", "%2e%2e", "bayko%00", "%00", "bayko%1B", "%ED%A0%80",
                   "b%D0%B0yko", "b" * 3000]:
        with nothing_written(handle[:40]):
            assert andrew_client.get(f"/messages/new/{handle}").status_code == 404
            assert andrew_client.post(f"/messages/new/{handle}", {"message": "hi"}).status_code == 404


@MOTO
def test_a_conversation_address_that_is_not_a_uuid_is_not_found(andrew_client, conversation_uuid, nothing_written):
    hex_form = conversation_uuid.replace("-", "")
    for segment in ["not-a-uuid", "..", "%2e%2e", "%00", hex_form, f"%7B{conversation_uuid}%7D",
                    f"{conversation_uuid}%00", f"{conversation_uuid}%0A", f"{conversation_uuid}%23x", "x" * 3000]:
        with nothing_written(segment[:40]):
            assert andrew_client.get(f"/messages/{segment}").status_code == 404
            assert andrew_client.post(f"/messages/{segment}", {"message": "hi"}).status_code == 404


def search_box(html: str) -> str:
    value = re.search(r'<input type="search"[^>]*value="([^"]*)"', html).group(1)
    return html_escapes.unescape(value)


def field_errors(html: str) -> list[str]:
    return re.findall(r'<p class="field-error">(.*?)</p>', html)


@MOTO
def test_people_search_refuses_what_it_cannot_search_for_and_keeps_the_text(andrew_client, nothing_written):
    cases = {
        "x" * 101: "Ensure this value has at most 100 characters (it has 101).",
        "bay\x00ko": NULL_CHARACTERS,
    }
    for query, error in cases.items():
        with nothing_written(repr(query)[:40]):
            response = andrew_client.get("/people", {"q": query})
            html = response.content.decode()
            assert response.status_code == 200
            assert field_errors(html) == [error]
            assert search_box(html) == query
            assert "No one matches" not in html  # nothing was searched for


@MOTO
def test_people_search_for_wildcards_paths_and_keys_finds_no_one(andrew_client, nothing_written):
    for query in ["%", "_", "%%", "GRP#", "MSG#bayko", "../..", "bayko/..", "#", "\u202ebayko", "b\u0430yko"]:
        with nothing_written(repr(query)):
            response = andrew_client.get("/people", {"q": query})
            html = response.content.decode()
            assert response.status_code == 200
            assert field_errors(html) == []
            assert search_box(html) == query
            assert f"No one matches “{html_escapes.escape(query)}”." in html


@MOTO
def test_login_refuses_nasty_usernames_keeps_them_and_logs_no_one_in(andrew, nothing_written):
    cases = {
        "andrewbrown\x00": NULL_CHARACTERS,
        "a" * 255: "Ensure this value has at most 254 characters (it has 255).",
        "a" * 60_000: "Ensure this value has at most 254 characters (it has 60000).",
    }
    for username, error in cases.items():
        with nothing_written(repr(username)[:40]):
            client = Client()
            response = client.post("/login", {"username": username, "password": PASSWORD})
            html = response.content.decode()
            assert response.status_code == 200
            assert field_errors(html) == [error]
            value = re.search(r'<input type="text" name="username" value="([^"]*)"', html).group(1)
            assert html_escapes.unescape(value) == username
            assert client.get("/messages").status_code == 302  # still logged out


@MOTO
def test_login_with_path_and_key_characters_does_not_match(andrew, nothing_written):
    for username in ["andrewbrown#1", "../andrewbrown", "andrewbrown/..", "GRP#andrewbrown", "%00", "andrew%"]:
        with nothing_written(username):
            client = Client()
            response = client.post("/login", {"username": username, "password": PASSWORD})
            assert response.status_code == 200
            assert "That handle or email and password do not match." in response.content.decode()
            assert client.get("/messages").status_code == 302


def test_an_email_longer_than_a_handle_can_be_typed_and_logs_in(client, andrew):
    andrew.email = "andrew.brown.the.first.of.his.name@example.com"  # 46 characters; a handle has at most 32
    andrew.save()
    assert 'maxlength="254"' in client.get("/login").content.decode()
    response = client.post("/login", {"username": andrew.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/messages"


def test_crafted_cursors_are_a_400_page_on_moto_and_dynamodb_local(andrew_client, conversation_uuid):
    # A fraction of 2,000 digits parses as a time; DynamoDB refuses it as a key (was a 500).
    cursor = base64.urlsafe_b64encode(b"2026-11-24T12:30:01." + b"1" * 2000 + b"+00:00").decode().rstrip("=")
    for path in ["/messages", f"/messages/{conversation_uuid}"]:
        response = andrew_client.get(f"{path}?before={cursor}")
        assert response.status_code == 400, (path, response.status_code)
        assert "This link is not valid" in response.content.decode()
