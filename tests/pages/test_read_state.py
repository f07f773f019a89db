"""Unread counts on the pages: a badge with text per conversation, the total in the header of every page,
opening a conversation reads it, the Mute/Unmute form, and bad form input refused without a change."""
import re

import pytest
from django.test import Client

from messaging import services
from messaging.recipients import InConversation, ToHandle
from tests.support.stored_state import nothing_stored


def header_total(html: str) -> str | None:
    found = re.search(r'<a class="unread-total[^"]*" id="unread-total"[^>]*>(.*?)</a>', html, re.S)
    return found.group(1).strip() if found else None


def badge(html: str, group: str) -> tuple[str, bool]:
    """The conversation's badge text and whether its row stands out as unread."""
    row = re.search(rf'<li data-uuid="{group}"( class="unread")?>(.*?)</li>', html, re.S)
    text = re.search(r'<span class="unread-badge"[^>]*>(.*?)</span>', row.group(2)).group(1)
    return text, row.group(1) is not None


@pytest.fixture
def bayko_client(client, bayko):
    client.force_login(bayko)
    return client


@pytest.fixture
def unread_for_bayko(app_ddb, andrew, bayko, londo):
    """andrew wrote bayko twice and londo once: 3 unread over 2 conversations."""
    group = services.send_message(sender=andrew, text="Hello Bayko", to=ToHandle("bayko")).message_group_uuid
    services.send_message(sender=andrew, text="Are you there?", to=InConversation(group))
    other = services.send_message(sender=londo, text="Greetings", to=ToHandle("bayko")).message_group_uuid
    return group, other


def test_the_list_shows_each_count_as_text_and_unread_rows_stand_out(bayko_client, unread_for_bayko, andrew):
    group, other = unread_for_bayko
    html = bayko_client.get("/messages").content.decode()
    assert badge(html, group) == ("2 unread", True)
    assert badge(html, other) == ("1 unread", True)
    assert header_total(html) == "3 unread"


def test_the_header_shows_the_total_on_every_page(bayko_client, unread_for_bayko):
    for path in ("/messages", "/people", "/messages/new/andrewbrown"):
        assert header_total(bayko_client.get(path).content.decode()) == "3 unread", path


def test_signed_out_pages_have_no_total(client, unread_for_bayko):
    assert header_total(client.get("/login").content.decode()) is None


def test_opening_the_conversation_reads_it_and_reopening_writes_nothing(bayko_client, unread_for_bayko, app_ddb):
    group, other = unread_for_bayko
    html = bayko_client.get(f"/messages/{group}").content.decode()
    assert header_total(html) == "1 unread", "the total is read after the page marked it"
    listed = bayko_client.get("/messages").content.decode()
    assert badge(listed, group) == ("0 unread", False)
    assert badge(listed, other) == ("1 unread", True)
    with nothing_stored(*app_ddb):
        assert bayko_client.get(f"/messages/{group}").status_code == 200


def test_an_older_page_marks_nothing(bayko_client, unread_for_bayko, andrew):
    group, _ = unread_for_bayko
    for number in range(25):
        services.send_message(sender=andrew, text=f"more {number}", to=InConversation(group))
    newest = bayko_client.get("/messages").content.decode()
    assert badge(newest, group) == ("27 unread", True)
    older = re.search(r'href="\?before=([^"]+)"', bayko_client.get(f"/messages/{group}").content.decode()).group(1)
    # The newest page read them all; an older page never moves the position back.
    assert header_total(bayko_client.get(f"/messages/{group}?before={older}").content.decode()) == "1 unread"


def test_mute_and_unmute_with_the_form(bayko_client, unread_for_bayko):
    group, _ = unread_for_bayko
    page = bayko_client.get(f"/messages/{group}").content.decode()
    assert 'name="muted" value="on"' in page and ">Mute</button>" in page

    response = bayko_client.post(f"/messages/{group}/mute", {"muted": "on"})
    assert response.status_code == 302 and response["Location"] == f"/messages/{group}"
    page = bayko_client.get(f"/messages/{group}").content.decode()
    assert ">Unmute</button>" in page and 'name="muted" value="off"' in page
    assert "Muted" in bayko_client.get("/messages").content.decode()

    response = bayko_client.post(f"/messages/{group}/mute", {"muted": "off"})
    assert response.status_code == 302
    assert ">Mute</button>" in bayko_client.get(f"/messages/{group}").content.decode()


def test_a_muted_conversation_keeps_its_count_out_of_the_header(bayko_client, unread_for_bayko):
    _, other = unread_for_bayko
    assert bayko_client.post(f"/messages/{other}/mute", {"muted": "on"}).status_code == 302
    html = bayko_client.get("/messages").content.decode()
    assert badge(html, other) == ("1 unread", True)
    assert header_total(html) == "2 unread"


def test_bad_mute_forms_are_refused_and_change_nothing(bayko_client, unread_for_bayko, app_ddb, carol, client):
    group, _ = unread_for_bayko
    with nothing_stored(*app_ddb):
        assert bayko_client.post(f"/messages/{group}/mute", {"muted": "maybe"}).status_code == 400
        assert bayko_client.post(f"/messages/{group}/mute", {}).status_code == 400
        assert bayko_client.get(f"/messages/{group}/mute").status_code == 405
        assert bayko_client.post("/messages/0b0e8f3c-1111-4111-8111-111111111111/mute",
                                 {"muted": "on"}).status_code == 404
    client.force_login(carol)
    with nothing_stored(*app_ddb):
        assert client.post(f"/messages/{group}/mute", {"muted": "on"}).status_code == 404


def test_the_mute_form_needs_its_csrf_token(unread_for_bayko, bayko, app_ddb):
    group, _ = unread_for_bayko
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(bayko)
    with nothing_stored(*app_ddb):
        assert strict.post(f"/messages/{group}/mute", {"muted": "on"}).status_code == 403
