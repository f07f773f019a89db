"""Unread counts in Chromium: the badge on the list, the header total, opening clears it, and a new message
from the other member raises both without a reload (live events, or polling while the stream is down)."""
import re

import pytest
from playwright.sync_api import expect

from messaging import services
from messaging.recipients import InConversation
from tests.support.browser import log_in, screenshot

pytestmark = pytest.mark.browser

POLLED = 15_000  # ms: a few rounds of the page's 3 s polling


def test_counts_appear_clear_on_opening_and_rise_without_a_reload(new_page, live_server, members):
    _, bayko, group = members
    services.send_message(sender=bayko, text="Second thing", to=InConversation(group))
    page = new_page()
    log_in(page, live_server, "andrewbrown")
    row = page.locator(f'li[data-uuid="{group}"]')
    total = page.locator("#unread-total")
    expect(row.locator(".unread-badge")).to_have_text("2 unread")
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(total).to_have_text("2 unread")
    screenshot(page, "unread-list")

    row.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/messages/{group}")
    expect(total).to_have_text("0 unread")

    page.get_by_role("link", name="← All messages").click()
    expect(row.locator(".unread-badge")).to_be_hidden()
    expect(row).not_to_have_class(re.compile(r"\bunread\b"))
    page.evaluate("window.notReloaded = true")

    services.send_message(sender=bayko, text="Are you still there?", to=InConversation(group))
    expect(row.locator(".unread-badge")).to_have_text("1 unread", timeout=POLLED)
    expect(row.locator(".last-message")).to_have_text("Are you still there?")
    expect(total).to_have_text("1 unread", timeout=POLLED)
    assert page.evaluate("window.notReloaded === true"), "updated without a reload"


def test_a_message_arriving_in_the_open_conversation_is_read_there(new_page, live_server, members):
    andrew, bayko, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", next_path=f"/messages/{group}")
    expect(page.locator("#unread-total")).to_have_text("0 unread")

    def is_mark_read(response):
        return response.request.method == "POST" and response.url.endswith(f"/api/messages/{group}/read")

    with page.expect_response(is_mark_read, timeout=POLLED) as marked:
        services.send_message(sender=bayko, text="Seen live", to=InConversation(group))
    expect(page.locator("#messages .message").last).to_contain_text("Seen live", timeout=POLLED)
    assert marked.value.ok
    expect(page.locator("#unread-total")).to_have_text("0 unread", timeout=POLLED)
    [listed] = services.list_message_groups(user=andrew).items
    assert listed.unread_count == 0
