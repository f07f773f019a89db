"""Editing and deleting your own messages on the pages without JavaScript: Edit and Delete links on your own
messages (Edit only inside the window), an edit form and a delete confirmation, post-redirect-get, "edited"
and "Message deleted" shown to both members."""
import re
from datetime import timedelta

import pytest

from messaging import services
from messaging.recipients import InConversation
from tests.support.html import form_errors, message_item, message_texts


@pytest.fixture
def messages(app_clock, andrew, bayko, conversation_uuid):
    """The conversation's two messages (andrew's, then bayko's) and a third, andrew's last."""
    app_clock.advance(timedelta(seconds=1))
    services.send_message(sender=andrew, text="How are yuo?", to=InConversation(conversation_uuid))
    return services.list_messages(user=andrew, message_group_uuid=conversation_uuid).items


def page(client, group):
    response = client.get(f"/messages/{group}")
    assert response.status_code == 200
    return response.content.decode()


def test_own_messages_have_edit_and_delete_links_and_others_do_not(andrew_client, conversation_uuid, messages):
    html = page(andrew_client, conversation_uuid)
    mine, theirs, last = messages

    for message in (mine, last):
        item = message_item(html, message.uuid)
        assert f'<a class="edit" href="/messages/{conversation_uuid}/{message.uuid}/edit">Edit</a>' in item
        assert f'<a class="delete" href="/messages/{conversation_uuid}/{message.uuid}/delete">Delete</a>' in item
        assert f'data-api-url="/api/messages/{conversation_uuid}/{message.uuid}"' in item
    assert 'class="actions"' not in message_item(html, theirs.uuid)


def test_edit_is_hidden_once_the_window_closed(andrew_client, app_clock, settings, conversation_uuid, messages):
    settings.MESSAGE_EDIT_WINDOW_SECONDS = 60
    app_clock.advance(timedelta(seconds=60))
    html = page(andrew_client, conversation_uuid)
    first, _, last = messages
    assert 'class="edit"' not in message_item(html, first.uuid), "sent 61 s ago"
    assert 'class="edit"' in message_item(html, last.uuid), "sent 60 s ago"

    app_clock.advance(timedelta(seconds=1))
    html = page(andrew_client, conversation_uuid)
    assert 'class="edit"' not in message_item(html, last.uuid)
    assert 'class="delete"' in message_item(html, last.uuid), "deleting has no window"
    form = andrew_client.get(f"/messages/{conversation_uuid}/{last.uuid}/edit").content.decode()
    assert "This message can no longer be edited." in form and "<textarea" not in form


def test_the_edit_form_saves_and_redirects_to_the_conversation(andrew_client, bayko_client, conversation_uuid,
                                                               messages):
    last = messages[-1]
    form = andrew_client.get(f"/messages/{conversation_uuid}/{last.uuid}/edit")
    assert form.status_code == 200
    html = form.content.decode()
    assert re.search(r"<textarea[^>]*>\nHow are yuo\?</textarea>", html)
    assert 'name="csrfmiddlewaretoken"' in html

    response = andrew_client.post(f"/messages/{conversation_uuid}/{last.uuid}/edit", {"message": "How are you?"})

    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation_uuid}"
    for viewer in (andrew_client, bayko_client):
        html = page(viewer, conversation_uuid)
        assert message_texts(html)[-1] == "How are you?"
        assert '<span class="edited">edited</span>' in message_item(html, last.uuid)
    conversations = bayko_client.get("/messages").content.decode()
    assert "How are you?" in conversations


def test_a_refused_edit_comes_back_with_its_errors_and_changes_nothing(andrew_client, conversation_uuid,
                                                                       messages):
    last = messages[-1]

    response = andrew_client.post(f"/messages/{conversation_uuid}/{last.uuid}/edit", {"message": "  "})

    assert response.status_code == 422
    assert form_errors(response.content.decode()) == ["Write a message before sending."]
    assert message_texts(page(andrew_client, conversation_uuid))[-1] == "How are yuo?"


def test_the_delete_confirmation_deletes_and_shows_message_deleted(andrew_client, bayko_client, conversation_uuid,
                                                                   messages):
    last = messages[-1]
    confirm = andrew_client.get(f"/messages/{conversation_uuid}/{last.uuid}/delete")
    assert confirm.status_code == 200
    assert "Delete this message?" in confirm.content.decode()
    assert page(andrew_client, conversation_uuid).count("How are yuo?") == 1, "the confirmation changed nothing"

    response = andrew_client.post(f"/messages/{conversation_uuid}/{last.uuid}/delete")

    assert response.status_code == 302
    assert response["Location"] == f"/messages/{conversation_uuid}"
    for viewer in (andrew_client, bayko_client):
        html = page(viewer, conversation_uuid)
        assert message_texts(html) == ["Hello Bayko", "Hi Andrew", "Message deleted"]
        assert 'class="actions"' not in message_item(html, last.uuid)
    again = andrew_client.post(f"/messages/{conversation_uuid}/{last.uuid}/delete")
    assert again.status_code == 302
    edit = andrew_client.get(f"/messages/{conversation_uuid}/{last.uuid}/edit").content.decode()
    assert "This message was deleted." in edit


@pytest.mark.parametrize("path", ["edit", "delete"])
def test_someone_elses_message_is_not_found(client, bayko, londo, conversation_uuid, messages, path):
    mine = messages[0]
    for user in (bayko, londo):
        client.force_login(user)
        assert client.get(f"/messages/{conversation_uuid}/{mine.uuid}/{path}").status_code == 404
        assert client.post(f"/messages/{conversation_uuid}/{mine.uuid}/{path}", {"message": "x"}).status_code == 404
    client.force_login(bayko)
    assert message_texts(page(client, conversation_uuid))[0] == "Hello Bayko"


def test_forms_need_the_csrf_token(andrew, conversation_uuid, messages):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(andrew)
    last = messages[-1]

    assert client.post(f"/messages/{conversation_uuid}/{last.uuid}/delete").status_code == 403
    assert client.post(f"/messages/{conversation_uuid}/{last.uuid}/edit", {"message": "x"}).status_code == 403
    assert message_texts(page(client, conversation_uuid))[-1] == "How are yuo?"
