"""Driving the pages in Chromium: viewports, logging in through the form, screenshots."""
from pathlib import Path

from tests.support.users import PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


def log_in(page, live_server, handle, next_path=""):
    page.goto(f"{live_server.url}/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Handle or email").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
