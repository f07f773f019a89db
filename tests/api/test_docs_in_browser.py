"""Swagger UI at /api/docs/ renders in Debian's Chromium from the app's own files: no CDN, and
its "Try it out" reaches the API."""
import json
import os
import urllib.request
from pathlib import Path

import pytest

from tests.support.components import require

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def page(live_server):
    require(os.access(CHROMIUM, os.X_OK), "Chromium")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are sync.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()


def test_swagger_ui_renders_every_endpoint_from_local_files(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    with urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=10) as answer:
        operations = [method for path in json.load(answer)["paths"].values() for method in path]
    assert len(summaries) == len(operations) >= 7
    assert {path.replace("\u200b", "") for path in summaries} >= {"/api/message_groups", "/api/messages"}

    # "Try it out" on the health check calls the live API from the page.
    page.locator(".opblock", has_text="/api/health-check").locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "api-docs.png", full_page=False)
    assert failed == []
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
