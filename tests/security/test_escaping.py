"""User text is never markup: a display name and a message carrying <script>, <img onerror> and
quotes are shown escaped on every page that shows them, and the pages' script inserts text only
as text."""
import re
from pathlib import Path

import pytest
from django.utils.html import escape

from messaging import services
from messaging.recipients import ToHandle
from tests.support.tokens import auth
from tests.support.users import make_user

NAME = """Eve "<script>alert('name')</script><img src=x onerror=alert(1)>"""
TEXT = """<script>alert("text")</script><img src=x onerror="alert('text')"> it's "quoted" & </p>"""
# Fragments that would run or break out if they reached the HTML unescaped.
MARKUP = ("<script>alert", "<img src=x", "& </p>", 'onerror="alert')
SCRIPT = Path(__file__).resolve().parents[2] / "static" / "messages.js"


@pytest.fixture
def eve(db):
    user = make_user("eve")
    user.display_name = NAME
    user.save()
    return user


@pytest.fixture
def group(app_ddb, alice, eve):
    return services.send_message(sender=eve, text=TEXT, to=ToHandle("alice")).message_group_uuid


def assert_escaped(html: str, *shown: str):
    for text in shown:
        assert escape(text) in html
    for fragment in MARKUP:
        assert fragment not in html


PAGES = {
    "my conversations": (lambda g: "/messages", (NAME, TEXT)),
    "the conversation": (lambda g: f"/messages/{g}", (NAME, TEXT)),
    "new message to eve": (lambda g: "/messages/new/eve", (NAME,)),
    "people search": (lambda g: "/people?q=eve", (NAME,)),
}


@pytest.mark.parametrize("page", PAGES)
def test_pages_escape_names_and_messages(client, alice, group, page):
    path, shown = PAGES[page]
    client.force_login(alice)
    response = client.get(path(group))
    assert response.status_code == 200
    assert_escaped(response.content.decode(), *shown)


def test_the_search_query_is_escaped(client, alice):
    client.force_login(alice)
    assert_escaped(client.get("/people", {"q": TEXT}).content.decode(), TEXT)


def test_a_refused_message_comes_back_escaped_in_the_form(client, alice, group):
    client.force_login(alice)
    too_long = "</textarea>" + TEXT + "x" * 1100
    response = client.post(f"/messages/{group}", {"message": too_long})
    assert response.status_code == 422
    html = response.content.decode()
    assert escape(too_long) in html
    assert html.count("</textarea>") == 1


def test_admin_escapes_the_display_name(client, eve):
    client.force_login(make_user("staffer", is_staff=True, is_superuser=True))
    for path in ("/admin/users/user/", f"/admin/users/user/{eve.pk}/change/"):
        assert_escaped(client.get(path).content.decode(), NAME)


def test_the_api_returns_user_text_as_json_never_html(client, alice, group):
    response = client.get(f"/api/messages/{group}", **auth(alice))
    assert response["Content-Type"] == "application/json"
    assert [(m["display_name"], m["message"]) for m in response.json()] == [(NAME, TEXT)]


def test_the_script_inserts_user_text_as_text_only():
    source = SCRIPT.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source
    for field in ("display_name", "message"):
        assert re.search(rf"\.textContent = item\.{field};", source)
