"""The Content-Security-Policy holds in Chromium: every page, the admin and the API docs load and work with
no violation reported, and the policy allows no inline script."""
import pytest

from tests.support.browser import log_in
from tests.support.users import PASSWORD
from users.models import User

pytestmark = pytest.mark.browser

# Reports the page's own violations (Playwright's init script runs outside the page's policy).
LISTEN_FOR_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI} (${where})`);
});
"""


@pytest.fixture
def watched(new_page):
    """A page that records CSP violations, both as events and as console errors."""

    def open_page(**options):
        page = new_page(**options)
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.console_violations = []
        page.on("console", lambda message: page.console_violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    return open_page


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    page.wait_for_load_state("networkidle")
    assert_no_violations(page, url)


def assert_no_violations(page, url: str) -> None:
    assert page.evaluate("window.cspViolations") == [], url
    assert page.console_violations == [], url


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_the_pages_load_and_send_with_no_violation(watched, live_server, members):
    *_, group = members
    page = watched()
    visit(page, f"{live_server.url}/login")
    log_in(page, live_server, "andrewbrown")
    for path in ["/messages", f"/messages/{group}", "/messages/new/bayko", "/people?q=bay"]:
        visit(page, f"{live_server.url}{path}")
    # The page's script works under the policy: it counts characters and sends without a reload.
    visit(page, f"{live_server.url}/messages/{group}")
    page.get_by_role("textbox", name="Write a message").fill("Sent under a strict policy")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages", has_text="Sent under a strict policy").wait_for()
    assert_no_violations(page, "sending from the conversation page")


def test_the_admin_loads_with_no_violation(watched, live_server, db):
    staff = User.objects.create_superuser("staffer", "staff@example.com", PASSWORD, display_name="Staff")
    page = watched()
    visit(page, f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("staffer")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    for path in ["/admin/", "/admin/users/user/", f"/admin/users/user/{staff.pk}/change/", "/admin/users/user/add/"]:
        visit(page, f"{live_server.url}{path}")


def test_the_api_docs_load_and_try_it_out_with_no_violation(watched, live_server, db):
    page = watched(viewport={"width": 1280, "height": 900})
    visit(page, f"{live_server.url}/api/docs/")
    page.locator(".opblock").first.wait_for()
    page.locator(".opblock", has_text="/api/health-check").locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table .response-col_status", has_text="200").wait_for()
    assert_no_violations(page, "trying the health check in the docs")
