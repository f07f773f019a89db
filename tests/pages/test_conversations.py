"""/messages: my conversations, newest first."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from messaging import services
from messaging.pages.presenters import time_ago
from messaging.recipients import InConversation, ToHandle
from messaging.store.cursors import encode_cursor
from tests.support.users import make_user


def conversation_names(html: str) -> list[str]:
    """The names of the listed conversations (not of the script's empty row template)."""
    link = r'<a class="conversation-link"[^>]*>\s*<span class="who">\s*<span class="name">(.*?)</span>'
    return re.findall(link, re.sub(r"<template.*?</template>", "", html, flags=re.S))


def test_lists_conversations_newest_first_with_name_handle_last_message_and_age(
    app_ddb, andrew_client, andrew, bayko, londo
):
    with_bayko = services.send_message(sender=andrew, text="Hello Bayko", to=ToHandle("bayko"))
    with_londo = services.send_message(sender=londo, text="Ambassador Mollari here", to=ToHandle("andrewbrown"))
    services.send_message(sender=bayko, text="Latest from Bayko", to=InConversation(with_bayko.message_group_uuid))

    response = andrew_client.get("/messages")
    html = response.content.decode()
    assert response.status_code == 200
    assert conversation_names(html) == ["Andrew Bayko", "Londo Mollari"]
    assert f'href="/messages/{with_bayko.message_group_uuid}"' in html
    assert f'href="/messages/{with_londo.message_group_uuid}"' in html
    assert '<span class="handle">@bayko</span>' in html
    assert '<span class="handle">@londo</span>' in html
    assert '<span class="last-message">Latest from Bayko</span>' in html
    assert "Hello Bayko" not in html  # only the last message of each
    assert html.count(">just now</time>") == 2


def test_no_conversations_yet_points_to_find_people(app_ddb, andrew_client):
    html = andrew_client.get("/messages").content.decode()
    assert "No conversations yet" in html
    assert 'href="/people"' in html


def test_older_conversations_page_by_page(app_ddb, andrew_client, andrew):
    for number in range(21):
        make_user(f"friend{number}", display_name=f"Friend {number}")
        services.send_message(sender=andrew, text=f"Hello friend {number}", to=ToHandle(f"friend{number}"))

    first = andrew_client.get("/messages").content.decode()
    assert conversation_names(first) == [f"Friend {n}" for n in range(20, 0, -1)]
    older_link = re.search(r'<a href="(\?before=[^"]+)">Older conversations</a>', first).group(1)

    older = andrew_client.get("/messages" + older_link).content.decode()
    assert conversation_names(older) == ["Friend 0"]
    assert "Older conversations" not in older
    assert '<a href="/messages">Newest conversations</a>' in older


def test_user_text_in_the_list_is_escaped(app_ddb, andrew_client, andrew, bayko):
    services.send_message(sender=bayko, text="<script>alert(1)</script>", to=ToHandle("andrewbrown"))
    html = andrew_client.get("/messages").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_bad_page_link_is_a_400_page(app_ddb, andrew_client):
    response = andrew_client.get("/messages?before=not-a-cursor")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


@pytest.mark.parametrize(
    ("age", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=5, seconds=10), "5 minutes ago"),
        (timedelta(hours=3, minutes=59), "3 hours ago"),
        (timedelta(days=1, hours=2), "1 day ago"),
        (timedelta(days=400), "1 year ago"),
    ],
)
def test_how_long_ago_reads_naturally(age, text):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert time_ago(now - age, now).replace("\N{NO-BREAK SPACE}", " ") == text


def test_the_newest_list_says_where_its_script_follows_new_messages(app_ddb, andrew_client, andrew, bayko):
    services.send_message(sender=bayko, text="Hi", to=ToHandle("andrewbrown"))
    html = andrew_client.get("/messages").content.decode()
    assert 'data-poll-url="/api/message_groups"' in html
    events_url = re.search(r'data-events-url="([^"]+)"', html).group(1)
    assert re.fullmatch(r"/api/events\?last_event_id=\d+-", events_url)
    older = andrew_client.get("/messages", {"before": encode_cursor("2026-01-01T00:00:00.000000+00:00")})
    assert older.status_code == 200 and "data-events-url" not in older.content.decode()
