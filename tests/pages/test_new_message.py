"""/messages/new/<handle>: the first message to someone."""
import re

import pytest

from messaging import services
from tests.support.html import form_errors, hidden_key, message_texts


def test_form_is_addressed_to_the_person(app_ddb, andrew_client, bayko):
    response = andrew_client.get("/messages/new/BAYKO")  # handles ignore case
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'To <span class="name">Andrew Bayko</span> <span class="handle">@bayko</span>', html)
    assert '<form method="post" action="/messages/new/bayko"' in html
    assert '<label for="id_message">Your message</label>' in html
    assert 'data-max-chars="1024"' in html
    assert "Up to 1024 characters." in html
    assert form_errors(html) == []


def test_unknown_handle_is_not_found(app_ddb, andrew_client):
    response = andrew_client.get("/messages/new/nobody_here")
    assert response.status_code == 404
    assert "No one has the handle @nobody_here" in response.content.decode()
    assert andrew_client.post("/messages/new/nobody_here", {"message": "hello?"}).status_code == 404


def test_first_message_starts_a_conversation_and_shows_it(app_ddb, andrew_client, andrew, bayko):
    page = andrew_client.get("/messages/new/bayko").content.decode()
    response = andrew_client.post(
        "/messages/new/bayko", {"message": "Hello there", "idempotency_key": hidden_key(page)}
    )
    assert response.status_code == 302
    [group] = services.list_message_groups(user=bayko).items
    assert response["Location"] == f"/messages/{group.uuid}"
    assert group.other.handle == "andrewbrown"
    assert message_texts(andrew_client.get(response["Location"]).content.decode()) == ["Hello there"]


def test_a_first_message_to_someone_already_talked_to_joins_that_conversation(
    app_ddb, andrew_client, andrew, conversation_uuid
):
    response = andrew_client.post("/messages/new/bayko", {"message": "Me again"})
    assert response["Location"] == f"/messages/{conversation_uuid}"
    assert len(services.list_message_groups(user=andrew).items) == 1


def test_refreshing_the_post_does_not_send_twice(app_ddb, andrew_client, bayko):
    page = andrew_client.get("/messages/new/bayko").content.decode()
    form = {"message": "Just once", "idempotency_key": hidden_key(page)}
    first = andrew_client.post("/messages/new/bayko", form)
    second = andrew_client.post("/messages/new/bayko", form)
    assert first["Location"] == second["Location"]
    [group] = services.list_message_groups(user=bayko).items
    assert [m.text for m in services.list_messages(user=bayko, message_group_uuid=group.uuid).items] == ["Just once"]


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Write a message before sending."), ("z" * 2000, "A message can be at most 1024 characters.")],
)
def test_refused_first_message_keeps_the_text(app_ddb, andrew_client, bayko, text, error):
    response = andrew_client.post("/messages/new/bayko", {"message": text})
    html = response.content.decode()
    assert response.status_code == 422
    assert form_errors(html) == [error]
    assert re.search(r"<textarea[^>]*>\n(.*?)</textarea>", html, re.S).group(1) == text
    assert services.list_message_groups(user=bayko).items == []


def test_messaging_yourself_is_refused(app_ddb, andrew_client, andrew):
    response = andrew_client.post("/messages/new/andrewbrown", {"message": "Note to self"})
    html = response.content.decode()
    assert response.status_code == 422
    assert form_errors(html) == ["You cannot send a message to yourself."]
    assert ">\nNote to self</textarea>" in html
    assert services.list_message_groups(user=andrew).items == []
