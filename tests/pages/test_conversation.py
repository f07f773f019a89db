"""/messages/<uuid>: one conversation, its older messages, and the send form without JavaScript."""
import re
import uuid
from urllib.parse import unquote

import pytest

from messaging import services
from messaging.errors import BLOCK_CODES, EDIT_CODES, PAGING_CODES, SEND_CODES
from messaging.pages.error_text import ERROR_TEXT
from messaging.recipients import InConversation, ToHandle
from tests.support.html import form_errors, hidden_key, message_list, message_texts


def test_shows_the_newest_messages_with_sender_and_time(app_ddb, andrew_client, bayko, conversation_uuid):
    response = andrew_client.get(f"/messages/{conversation_uuid}")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<h1 class="conversation-title">\s*Andrew Bayko <span class="handle">@bayko</span>', html)
    assert message_texts(html) == ["Hello Bayko", "Hi Andrew"]
    shown = message_list(html)
    assert shown.index('<span class="name">Andrew Brown</span>') < shown.index('<span class="name">Andrew Bayko</span>')
    for message in services.list_messages(user=bayko, message_group_uuid=conversation_uuid).items:
        assert f'<time datetime="{message.created_at}">' in shown
    assert '<li class="message mine"' in shown  # andrew's own message is told apart


def test_older_messages_link_pages_back_and_only_the_newest_page_polls(app_ddb, andrew_client, andrew, bayko):
    group = services.send_message(sender=andrew, text="message 0", to=ToHandle("bayko")).message_group_uuid
    for number in range(1, 25):
        services.send_message(sender=andrew, text=f"message {number}", to=InConversation(group))

    newest = andrew_client.get(f"/messages/{group}").content.decode()
    assert message_texts(newest) == [f"message {n}" for n in range(5, 25)]
    assert "data-poll-url=" in newest
    before = re.search(r'<a href="\?before=([^"]+)">Older messages</a>', newest).group(1)

    older = andrew_client.get(f"/messages/{group}?before={before}").content.decode()
    assert message_texts(older) == [f"message {n}" for n in range(5)]
    assert "Older messages" not in older
    assert f'<a href="/messages/{group}">Newest messages</a>' in older
    assert "data-poll-url=" not in older and "data-events-url=" not in older
    assert "data-send-url=" not in older  # sending from an older page is a plain form post


def test_newest_page_streams_events_from_its_render_with_the_shown_messages_counted(
        app_ddb, andrew_client, andrew, conversation_uuid):
    from messaging.live.events import Position

    html = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    events_url = re.search(r'data-events-url="([^"]+)"', html).group(1)
    path, query = events_url.split("?")
    assert path == "/api/events"
    position = Position.parse(unquote(query.removeprefix("last_event_id=")))
    shown = services.list_messages(user=andrew, message_group_uuid=conversation_uuid).items
    assert shown and all(position.delivered(m.uuid) for m in shown if m.created_at > position.watermark)
    assert any(position.delivered(m.uuid) for m in shown)  # shown just now: inside the commit window


def test_newest_page_polls_the_api_after_its_newest_message(app_ddb, andrew_client, andrew, conversation_uuid):
    html = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    poll_url = re.search(r'data-poll-url="([^"]+)"', html).group(1).replace("&amp;", "&")
    path, query = poll_url.split("?")
    assert path == f"/api/messages/{conversation_uuid}"
    assert unquote(query.removeprefix("after=")) == services.list_messages(user=andrew,
                                                                           message_group_uuid=conversation_uuid).newest_cursor
    assert 'data-send-url="/api/messages"' in html
    assert f'data-message-group-uuid="{conversation_uuid}"' in html


def test_send_redirects_and_the_message_appears(app_ddb, andrew_client, conversation_uuid):
    page = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    response = andrew_client.post(
        f"/messages/{conversation_uuid}", {"message": "Sent from the form", "idempotency_key": hidden_key(page)}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation_uuid}"
    after = andrew_client.get(response["Location"]).content.decode()
    assert message_texts(after)[-1] == "Sent from the form"


def test_sending_the_same_form_twice_sends_once(app_ddb, andrew_client, andrew, conversation_uuid):
    page = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    form = {"message": "Only once, please", "idempotency_key": hidden_key(page)}
    for _ in range(2):  # a refresh that re-posts, or a double click
        assert andrew_client.post(f"/messages/{conversation_uuid}", form).status_code == 302

    texts = [m.text for m in services.list_messages(user=andrew, message_group_uuid=conversation_uuid).items]
    assert texts.count("Only once, please") == 1


def test_each_render_of_the_form_has_its_own_key(app_ddb, andrew_client, conversation_uuid):
    first = hidden_key(andrew_client.get(f"/messages/{conversation_uuid}").content.decode())
    second = hidden_key(andrew_client.get(f"/messages/{conversation_uuid}").content.decode())
    assert first != second


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Write a message before sending."),
        ("   \r\n  ", "Write a message before sending."),
        ("x" * 1025, "A message can be at most 1024 characters."),
        ("bell \x07 character", "The message contains characters that cannot be sent."),
    ],
)
def test_refused_message_shows_the_error_and_keeps_the_text(
    app_ddb, andrew_client, andrew, conversation_uuid, text, error
):
    response = andrew_client.post(f"/messages/{conversation_uuid}", {"message": text, "idempotency_key": "k-1"})
    html = response.content.decode()
    assert response.status_code == 422
    assert form_errors(html) == [error]
    assert 'aria-invalid="true"' in html
    assert re.search(r"<textarea[^>]*>\n(.*?)</textarea>", html, re.S).group(1) == text
    assert message_texts(html) == ["Hello Bayko", "Hi Andrew"]  # the conversation is still shown
    assert len(services.list_messages(user=andrew, message_group_uuid=conversation_uuid).items) == 2


def test_exactly_1024_characters_is_accepted(app_ddb, andrew_client, andrew, conversation_uuid):
    response = andrew_client.post(f"/messages/{conversation_uuid}", {"message": "y" * 1024})
    assert response.status_code == 302
    assert services.list_messages(user=andrew, message_group_uuid=conversation_uuid).items[-1].text == "y" * 1024


def test_a_form_reused_for_another_message_gets_a_fresh_key(app_ddb, andrew_client, andrew, conversation_uuid):
    url = f"/messages/{conversation_uuid}"
    andrew_client.post(url, {"message": "first", "idempotency_key": "same-key"})
    response = andrew_client.post(url, {"message": "second", "idempotency_key": "same-key"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "already used for another message" in html
    assert ">\nsecond</textarea>" in html
    assert hidden_key(html) != "same-key"

    resent = andrew_client.post(url, {"message": "second", "idempotency_key": hidden_key(html)})
    assert resent.status_code == 302
    assert [m.text for m in services.list_messages(user=andrew,
                                                   message_group_uuid=conversation_uuid).items][-2:] == ["first",
                                                                                                         "second"]


def test_message_text_is_escaped(app_ddb, andrew_client, bayko, conversation_uuid):
    services.send_message(sender=bayko, text="<script>alert(1)</script>", to=InConversation(conversation_uuid))
    html = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    assert message_texts(html)[-1] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<script>alert(1)" not in html


def test_a_strangers_conversation_is_not_found(app_ddb, client, bayko, londo, conversation_uuid):
    client.force_login(londo)
    assert client.get(f"/messages/{conversation_uuid}").status_code == 404
    response = client.post(f"/messages/{conversation_uuid}", {"message": "let me in"})
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
    assert [m.text for m in services.list_messages(user=bayko,
                                                   message_group_uuid=conversation_uuid).items] == ["Hello Bayko",
                                                                                                    "Hi Andrew"]


def test_an_unknown_conversation_is_not_found(app_ddb, andrew_client):
    assert andrew_client.get(f"/messages/{uuid.uuid4()}").status_code == 404
    assert andrew_client.get("/messages/not-a-uuid").status_code == 404


def test_a_bad_older_messages_link_is_a_400_page(app_ddb, andrew_client, conversation_uuid):
    response = andrew_client.get(f"/messages/{conversation_uuid}?before=garbage")
    assert response.status_code == 400


def test_the_heading_names_the_other_member_before_they_answer(app_ddb, andrew_client, andrew, bayko):
    group = services.send_message(sender=andrew, text="Anyone there?", to=ToHandle("bayko")).message_group_uuid
    html = andrew_client.get(f"/messages/{group}").content.decode()
    assert re.search(r'<h1 class="conversation-title">\s*Andrew Bayko <span class="handle">@bayko</span>', html)


@pytest.mark.parametrize("method", ["get", "post"])
def test_dynamodb_down_is_a_friendly_503_page(unreachable_dynamodb, andrew_client, bayko, method):
    data = {"message": "hello"} if method == "post" else {}
    response = getattr(andrew_client, method)(f"/messages/{uuid.uuid4()}", data)
    html = response.content.decode()
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "Messages are unavailable right now" in html
    assert '<main id="main"' in html


def test_dynamodb_down_on_the_conversation_list_and_new_message(unreachable_dynamodb, andrew_client, bayko):
    assert andrew_client.get("/messages").status_code == 503
    assert andrew_client.post("/messages/new/bayko", {"message": "hello"}).status_code == 503


def test_every_code_the_services_refuse_with_has_a_text_for_people():
    assert set(ERROR_TEXT) == {*SEND_CODES, *PAGING_CODES, *BLOCK_CODES, *EDIT_CODES}


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_the_message_pages_are_never_stored_by_a_cache(andrew_client, conversation_uuid):
    for path in ["/messages", f"/messages/{conversation_uuid}", "/messages/new/bayko"]:
        response = andrew_client.get(path)
        assert response.status_code == 200, path
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (path, response["Cache-Control"])
