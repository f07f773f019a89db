"""A person messaging in Chromium: with JavaScript (no reloads, polling) and without it."""
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from messaging import services
from messaging.recipients import InConversation
from tests.support.browser import PHONE, log_in, screenshot

pytestmark = pytest.mark.browser

XSS = "<script>alert(1)</script>"


def mark_page(page):
    """Tag the loaded document; the tag survives only as long as no reload or navigation happens."""
    page.evaluate("window.notReloaded = true")


def still_same_page(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def message_texts(page) -> list[str]:
    return page.locator("#messages .message .text").all_text_contents()


def test_log_in_open_a_conversation_send_and_see_it_appear(new_page, live_server, members):
    _, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown")
    expect(page).to_have_url(f"{live_server.url}/messages")
    conversation = page.get_by_role("link", name=re.compile("Andrew Bayko"))
    expect(conversation).to_contain_text("Hi Andrew, got a minute?")
    expect(conversation).to_contain_text("just now")

    conversation.click()
    expect(page).to_have_url(f"{live_server.url}/messages/{group}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Andrew Bayko\s+@bayko"))
    mark_page(page)

    box = page.get_by_label("Write a message")
    box.fill("Sure, what's up?")
    expect(page.locator("#message-counter")).to_have_text("1008 characters left")
    page.get_by_role("button", name="Send").click()

    expect(page.locator("#messages .message").last).to_contain_text("Sure, what's up?")
    expect(page.locator("#messages .message").last).to_have_class(re.compile(r"\bmine\b"))
    expect(box).to_have_value("")
    expect(page.locator("#message-counter")).to_have_text("1024 characters left")
    assert still_same_page(page)
    assert message_texts(page) == ["Hi Andrew, got a minute?", "Sure, what's up?"]
    # Stored once, as the server shows it after a reload.
    page.reload()
    assert message_texts(page) == ["Hi Andrew, got a minute?", "Sure, what's up?"]


def test_the_other_member_sees_new_messages_arrive_and_text_stays_text(new_page, live_server, members):
    _, _, group = members
    dialogs = []
    andrew_page, bayko_page = new_page(), new_page()
    for page in (andrew_page, bayko_page):
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(andrew_page, live_server, "andrewbrown", f"/messages/{group}")
    log_in(bayko_page, live_server, "bayko", f"/messages/{group}")
    mark_page(bayko_page)

    andrew_page.get_by_label("Write a message").fill(XSS)
    andrew_page.get_by_role("button", name="Send").click()
    expect(andrew_page.locator("#messages .message").last.locator(".text")).to_have_text(XSS)

    # Polling every few seconds: give it a generous bound, no reload.
    arrived = bayko_page.locator("#messages .message").last
    expect(arrived.locator(".text")).to_have_text(XSS, timeout=15_000)
    expect(arrived.locator(".name")).to_have_text("Andrew Brown")
    expect(arrived).not_to_have_class(re.compile(r"\bmine\b"))
    assert still_same_page(bayko_page)

    # A second message follows the API's Link header from where the last poll ended.
    andrew_page.get_by_label("Write a message").fill("And a second one")
    andrew_page.get_by_label("Write a message").press("Control+Enter")
    expect(bayko_page.locator("#messages .message").last).to_contain_text("And a second one", timeout=15_000)
    assert message_texts(bayko_page) == ["Hi Andrew, got a minute?", XSS, "And a second one"]

    assert dialogs == []
    for page in (andrew_page, bayko_page):
        assert page.locator("#messages script").count() == 0
        assert page.evaluate("document.scripts.length") == 3  # the JSON error texts, messages.js and blocks.js


def test_validation_errors_and_the_character_count_with_javascript(new_page, live_server, members):
    _, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    box = page.get_by_label("Write a message")
    box.fill("x" * 1030)
    expect(page.locator("#message-counter")).to_have_text("6 characters too many")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("A message can be at most 1024 characters.")
    expect(box).to_have_value("x" * 1030)
    expect(box).to_have_attribute("aria-invalid", "true")

    box.fill("👍🏽 ok")  # an emoji with a skin tone is one character, as the server counts
    expect(page.locator("#message-counter")).to_have_text("1020 characters left")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages .message").last.locator(".text")).to_have_text("👍🏽 ok")
    expect(page.get_by_role("alert")).to_be_hidden()


def test_everything_works_with_javascript_off(new_page, live_server, members):
    andrew, _, _ = members
    page = new_page(java_script_enabled=False)
    log_in(page, live_server, "bayko")
    page.get_by_role("link", name="Find people").click()
    page.get_by_label("Handle or name").fill("andrew")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Message Andrew Brown").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New message")

    page.get_by_role("button", name="Send").click()  # empty
    expect(page.get_by_role("alert")).to_have_text("Write a message before sending.")

    page.get_by_label("Your message").fill("Sent without JavaScript")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/messages/[0-9a-f-]{36}$"))
    expect(page.locator("#messages .message").last).to_contain_text("Sent without JavaScript")

    conversation_url = page.url
    page.reload()  # post-redirect-get: a refresh only reads
    # Back is the refused form's answer to a POST. It is no-store (a message page), so the browser cannot show
    # it again without resending the form, and Chromium does not resend on its own: nothing is sent twice.
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()
    page.wait_for_url("chrome-error://chromewebdata/")  # Chromium's "Confirm form resubmission" page
    page.goto(conversation_url)
    [group] = services.list_message_groups(user=andrew).items
    texts = [m.text for m in services.list_messages(user=andrew, message_group_uuid=group.uuid).items]
    assert texts == ["Hi Andrew, got a minute?", "Sent without JavaScript"]

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/login")


def test_keyboard_only_reaches_and_sends_with_visible_focus(new_page, live_server, members):
    _, _, group = members
    page = new_page()
    log_in(page, live_server, "andrewbrown", f"/messages/{group}")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    page.keyboard.press("Enter")
    box = page.get_by_label("Write a message")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_message":
            break
    expect(box).to_be_focused()
    page.keyboard.type("Typed and sent by keyboard")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    expect(page.locator("#messages .message").last).to_contain_text("Typed and sent by keyboard")


@pytest.mark.parametrize(("width_name", "viewport"), [("desktop", None), ("phone", PHONE)])
def test_main_pages_fit_the_screen(new_page, live_server, members, width_name, viewport):
    _, _, group = members
    page = new_page(**({"viewport": viewport} if viewport else {}))
    page.goto(f"{live_server.url}/login")
    screenshot(page, f"login-{width_name}")
    log_in(page, live_server, "andrewbrown")
    services.send_message(sender=members[0], text="A longer reply, to see how a message wraps on a narrow screen "
                          "and whether the bubbles still read well.", to=InConversation(group))

    pages = {
        "messages": "/messages",
        "conversation": f"/messages/{group}",
        "new-message": "/messages/new/bayko",
        "people": "/people?q=andrew",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        screenshot(page, f"{name}-{width_name}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow == 0, f"{path} scrolls sideways at {width_name} width"
        expect(page.locator("header nav")).to_be_visible()
        expect(page.locator("main")).to_be_visible()
