"""Block and Unblock in Chromium: with JavaScript the button turns over in place (the JSON API), without it
the form posts and comes back (post-redirect-get); the conversation leaves the list and comes back."""
import re

import pytest
from playwright.sync_api import expect

from messaging import blocking
from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def blocked_handles(user) -> list[str]:
    return [person.handle for person in blocking.blocked_users(blocker=user)]


def test_block_and_unblock_on_the_conversation_page_without_a_reload(new_page, live_server, members):
    andrew, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.evaluate("window.notReloaded = true")

    page.get_by_role("button", name="Block Andrew Bayko").click()
    expect(page.locator(".block-status")).to_have_text("Blocked @bayko")
    expect(page.get_by_role("button", name="Unblock Andrew Bayko")).to_have_text("Unblock")
    assert page.evaluate("window.notReloaded === true")
    assert blocked_handles(andrew) == ["bayko"]

    page.goto(f"{live_server.url}/messages")
    expect(page.get_by_role("link", name=re.compile("Andrew Bayko"))).to_have_count(0)

    page.goto(f"{live_server.url}/messages/{group}")
    page.get_by_role("button", name="Unblock Andrew Bayko").click()
    expect(page.locator(".block-status")).to_have_text("Unblocked @bayko")
    expect(page.get_by_role("button", name="Block Andrew Bayko")).to_be_visible()
    assert blocked_handles(andrew) == []
    page.goto(f"{live_server.url}/messages")
    expect(page.get_by_role("link", name=re.compile("Andrew Bayko"))).to_contain_text("Hi Andrew, got a minute?")


def test_block_from_people_search_and_unblock_from_the_blocked_list(new_page, live_server, members):
    andrew, _, _ = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", "/people?q=bayko")
    page.get_by_role("button", name="Block Andrew Bayko").click()
    expect(page.locator(".block-status")).to_have_text("Blocked @bayko")

    page.get_by_role("link", name="People you block").click()
    expect(page.get_by_role("list", name="People you block")).to_contain_text("Andrew Bayko")
    page.get_by_role("button", name="Unblock Andrew Bayko").click()
    expect(page.locator(".block-status")).to_have_text("Unblocked @bayko")
    assert blocked_handles(andrew) == []


def test_block_and_unblock_without_javascript(new_page, live_server, members):
    andrew, _, group = members
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.get_by_role("button", name="Block Andrew Bayko").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{live_server.url}/messages/{group}")
    expect(page.get_by_role("button", name="Unblock Andrew Bayko")).to_be_visible()
    assert blocked_handles(andrew) == ["bayko"]
    page.get_by_role("button", name="Unblock Andrew Bayko").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Block Andrew Bayko")).to_be_visible()
    assert blocked_handles(andrew) == []
