"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server."""
import os

import pytest

from messaging import services
from messaging.recipients import ToHandle
from tests.support.browser import DESKTOP
from tests.support.components import require
from tests.support.users import make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


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
    andrew = make_user("andrewbrown", email="andrew@example.com", display_name="Andrew Brown")
    bayko = make_user("bayko", email="bayko@example.com", display_name="Andrew Bayko")
    first = services.send_message(sender=bayko, text="Hi Andrew, got a minute?", to=ToHandle("andrewbrown"))
    return andrew, bayko, first.message_group_uuid
