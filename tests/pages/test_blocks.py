"""Block and Unblock on the pages without JavaScript: forms with CSRF, post-redirect-get, the conversation
page, people search and the list of people I block; the conversation leaves /messages and comes back."""
import re

import pytest

from messaging.models import Block
from tests.support.html import form_errors, message_texts
from tests.support.stored_state import nothing_stored


def block_forms(html: str) -> list[tuple[str, str, str]]:
    """(form action, its action field, the button's text) of every Block/Unblock form."""
    forms = re.findall(r'<form method="post" action="([^"]+)" class="block-form".*?</form>', html, re.S)
    found = []
    for action in forms:
        form = re.search(rf'<form method="post" action="{re.escape(action)}" class="block-form".*?</form>', html,
                         re.S).group(0)
        assert 'name="csrfmiddlewaretoken"' in form
        field = re.search(r'name="action" value="(\w+)"', form).group(1)
        button = re.search(r'<button type="submit"[^>]*>(\w+)</button>', form).group(1)
        found.append((action, field, button))
    return found


def post_block(client, handle, action, next_url=""):
    return client.post(f"/people/@{handle}/block", {"action": action, "next": next_url})


def test_the_conversation_page_has_a_block_button_that_blocks_and_comes_back(andrew_client, conversation_uuid):
    page = f"/messages/{conversation_uuid}"
    assert block_forms(andrew_client.get(page).content.decode()) == [("/people/@bayko/block", "block", "Block")]

    response = post_block(andrew_client, "bayko", "block", page)
    assert (response.status_code, response["Location"]) == (302, page)
    html = andrew_client.get(page).content.decode()
    assert block_forms(html) == [("/people/@bayko/block", "unblock", "Unblock")]
    assert message_texts(html) == ["Hello Bayko", "Hi Andrew"], "the history stays"


def test_a_blocked_conversation_leaves_messages_and_comes_back(andrew_client, conversation_uuid):
    post_block(andrew_client, "bayko", "block")
    assert f"/messages/{conversation_uuid}" not in andrew_client.get("/messages").content.decode()
    post_block(andrew_client, "bayko", "unblock")
    assert f"/messages/{conversation_uuid}" in andrew_client.get("/messages").content.decode()


def test_a_send_to_someone_blocked_is_refused_next_to_the_form(app_ddb, andrew_client, conversation_uuid, bayko,
                                                               client):
    post_block(andrew_client, "bayko", "block")
    andrew_client.logout()
    client.force_login(bayko)
    with nothing_stored(*app_ddb):
        response = client.post(f"/messages/{conversation_uuid}", {"message": "please", "idempotency_key": ""})
        new = client.post("/messages/new/andrewbrown", {"message": "please", "idempotency_key": ""})
    assert response.status_code == new.status_code == 422
    assert form_errors(response.content.decode()) == ["This person cannot receive your messages."]
    assert form_errors(new.content.decode()) == ["This person cannot receive your messages."]


def test_people_search_blocks_and_unblocks(app_ddb, andrew_client, bayko, londo):
    html = andrew_client.get("/people", {"q": "andrew"}).content.decode()
    assert block_forms(html) == [("/people/@bayko/block", "block", "Block")], "never yourself"
    back = "/people?q=andrew"
    assert post_block(andrew_client, "bayko", "block", back)["Location"] == back
    assert block_forms(andrew_client.get(back).content.decode()) == [("/people/@bayko/block", "unblock", "Unblock")]


def test_the_blocked_list_shows_whom_i_block_with_unblock(app_ddb, andrew_client, andrew, bayko, londo):
    assert "You do not block anyone." in andrew_client.get("/people/blocked").content.decode()
    post_block(andrew_client, "londo", "block")
    response = post_block(andrew_client, "bayko", "block")
    assert response["Location"] == "/people/blocked"
    html = andrew_client.get("/people/blocked").content.decode()
    assert re.findall(r'<span class="name">([^<]+)</span>', html) == ["Andrew Bayko", "Londo Mollari"]
    assert block_forms(html) == [("/people/@bayko/block", "unblock", "Unblock"),
                                 ("/people/@londo/block", "unblock", "Unblock")]
    post_block(andrew_client, "bayko", "unblock", "/people/blocked")
    assert re.findall(r'<span class="name">([^<]+)</span>',
                      andrew_client.get("/people/blocked").content.decode()) == ["Londo Mollari"]
    assert list(Block.objects.values_list("blocked__handle", flat=True)) == ["londo"]


@pytest.mark.parametrize(("handle", "fields", "status", "text"), [
    ("andrewbrown", {"action": "block"}, 400, "You cannot block yourself."),
    ("nobody", {"action": "block"}, 404, "No one has the handle @nobody."),
    ("bayko", {"action": "explode"}, 400, "This form is not complete."),
    ("bayko", {}, 400, "This form is not complete."),
])
def test_bad_block_forms_are_answered_with_a_page_and_change_nothing(app_ddb, andrew_client, conversation_uuid,
                                                                     handle, fields, status, text):
    with nothing_stored(*app_ddb):
        response = andrew_client.post(f"/people/@{handle}/block", fields)
    assert response.status_code == status
    assert text in response.content.decode()


def test_next_may_only_lead_back_into_the_site(app_ddb, andrew_client, bayko):
    response = post_block(andrew_client, "bayko", "block", "https://evil.example/phish")
    assert response["Location"] == "/people/blocked"


def test_blocking_needs_a_login_and_a_post(app_ddb, client, bayko):
    assert client.post("/people/@bayko/block", {"action": "block"})["Location"].startswith("/login")
    assert not Block.objects.exists()
    client.force_login(bayko)
    assert client.get("/people/@bayko/block").status_code == 405
