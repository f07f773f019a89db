"""Editing and deleting your own messages in Chromium: in place with JavaScript (no reload), through the edit
and delete pages without it; the other member sees the change when their page loads again."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in, screenshot

pytestmark = pytest.mark.browser


def bayko_sees(new_page, live_server, group, text, *, edited):
    """bayko opens the conversation: andrew's last message shows `text`, marked edited or not."""
    page = new_page()
    log_in(page, live_server, "bayko", f"/messages/{group}")
    last = page.locator("#messages .message").last
    expect(last.locator(".text")).to_have_text(text)
    if edited:
        expect(last.locator(".edited")).to_be_visible()
    else:
        expect(last.locator(".edited")).to_be_hidden()
    expect(last.locator(".actions")).to_have_count(0)  # not bayko's to change
    return page


def test_edit_and_delete_in_place_with_javascript(new_page, live_server, members):
    _, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.get_by_label("Write a message").fill("Sure, waht's up?")
    page.get_by_role("button", name="Send").click()
    mine = page.locator("#messages .message").last
    expect(mine.locator(".text")).to_have_text("Sure, waht's up?")
    page.evaluate("window.notReloaded = true")

    mine.get_by_role("link", name="Edit").click()
    box = mine.get_by_label("Edit your message")
    expect(box).to_have_value("Sure, waht's up?")
    box.fill("   ")
    mine.get_by_role("button", name="Save").click()
    expect(mine.locator(".errors")).to_have_text("Write a message before sending.")
    box.fill("Sure, what's up?")
    mine.get_by_role("button", name="Save").click()

    expect(mine.locator(".text")).to_have_text("Sure, what's up?")
    expect(mine.locator(".edited")).to_be_visible()
    expect(mine.locator(".inline-edit")).to_have_count(0)
    screenshot(page, "edited-in-place")
    bayko_page = bayko_sees(new_page, live_server, group, "Sure, what's up?", edited=True)

    page.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("link", name="Delete").click()

    expect(mine.locator(".text")).to_have_text("Message deleted")
    expect(mine).to_have_class(re.compile(r"\bdeleted\b"))
    expect(mine.locator(".actions")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true")
    bayko_page.reload()
    expect(bayko_page.locator("#messages .message").last.locator(".text")).to_have_text("Message deleted")
    page.reload()
    expect(page.locator("#messages .message").last.locator(".text")).to_have_text("Message deleted")


def test_dismissing_the_delete_question_keeps_the_message(new_page, live_server, members):
    _, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.get_by_label("Write a message").fill("Keep me")
    page.get_by_role("button", name="Send").click()
    mine = page.locator("#messages .message").last
    expect(mine.locator(".text")).to_have_text("Keep me")

    page.once("dialog", lambda dialog: dialog.dismiss())
    mine.get_by_role("link", name="Delete").click()

    page.reload()
    expect(page.locator("#messages .message").last.locator(".text")).to_have_text("Keep me")


def test_edit_and_delete_through_their_pages_without_javascript(new_page, live_server, members):
    _, _, group = members
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.get_by_label("Write a message").fill("Sure, waht's up?")
    page.get_by_role("button", name="Send").click()
    mine = page.locator("#messages .message").last

    mine.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/messages/{group}/[0-9a-f-]+/edit$"))
    page.get_by_label("Your message").fill("Sure, what's up?")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/messages/{group}")
    expect(mine.locator(".text")).to_have_text("Sure, what's up?")
    expect(mine.locator(".edited")).to_be_visible()
    bayko_sees(new_page, live_server, group, "Sure, what's up?", edited=True)

    mine.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete this message?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()

    expect(page).to_have_url(f"{live_server.url}/messages/{group}")
    expect(mine.locator(".text")).to_have_text("Message deleted")
    bayko_sees(new_page, live_server, group, "Message deleted", edited=False)
