"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""
import os
from pathlib import Path

import pytest

from messaging import services
from tests.support.components import require
from users.models import User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
PASSWORD = "browser-test-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def browser():
    require(os.access(CHROMIUM, os.X_OK), "Chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls of the tests
    # and fixtures are still plain synchronous code, so Django's async guard is lifted while it runs.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (its own cookies): new_page(viewport=..., java_script_enabled=...)."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(**{"viewport": DESKTOP, **context_options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def members(app_ddb, live_server):
    """andrew and bayko, in a conversation bayko started; returns (andrew, bayko, message_group_uuid)."""
    andrew = User.objects.create_user("andrewbrown", "andrew@example.com", PASSWORD, display_name="Andrew Brown")
    bayko = User.objects.create_user("bayko", "bayko@example.com", PASSWORD, display_name="Andrew Bayko")
    first = services.send_message(bayko, "Hi Andrew, got a minute?", handle="andrewbrown")
    return andrew, bayko, first.message_group_uuid


def log_in(page, live_server, handle, next_path=""):
    page.goto(f"{live_server.url}/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Handle or email").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
