"""Password guessing on the login pages (/login and /admin/login/) is throttled per client address like the
token endpoint, on the same budget: past it, 429 with Retry-After, the page with the reason, the password
not checked and no one logged in. Counters start from zero in every test (the autouse cache clearing this
folder's conftest takes from the API tests)."""
import re

import pytest
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests.support.users import PASSWORD, logged_in, make_user
from users.throttling import LoginRateThrottle

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["/login", "/admin/login/"]
ATTACKER = "198.51.100.7"
NEIGHBOUR = "198.51.100.8"


def configured_allowance() -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"].split("/")[0])


@pytest.fixture
def staff(db):
    return make_user("staffer", is_staff=True, is_superuser=True)


@pytest.fixture
def small_rate(monkeypatch):
    """3 guesses a minute; DRF reads the rates into the throttle classes at import, so patch them there."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES,
                                                               "auth_token": "3/min"})
    return 3


class Clock:
    """Stands in for the throttle's time.time so a test can let the window pass."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(LoginRateThrottle, "timer", fake)
    return fake


@pytest.fixture
def signals():
    """Which logins authenticate() refused and which logged someone in, as the auth signals report them."""
    seen = {"failed": 0, "logged_in": 0}

    def failed(**kwargs):
        seen["failed"] += 1

    def logged_in(**kwargs):
        seen["logged_in"] += 1

    user_login_failed.connect(failed)
    user_logged_in.connect(logged_in)
    yield seen
    user_login_failed.disconnect(failed)
    user_logged_in.disconnect(logged_in)


def attempt(page: str, username: str, password: str, address: str = ATTACKER, **extra):
    """One login attempt from a fresh browser at `address`; returns the response and the browser."""
    browser = Client(REMOTE_ADDR=address)
    return browser.post(page, {"username": username, "password": password}, **extra), browser



def assert_throttled(response, browser: Client):
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 60
    assert f"Too many login attempts; try again in {seconds} seconds." in response.content.decode()
    assert not logged_in(browser)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_past_the_budget_even_the_right_password_is_429_and_not_checked(page, staff, signals):
    allowed = configured_allowance()
    for n in range(allowed):
        response, browser = attempt(page, "staffer", f"guess-{n}")
        assert response.status_code == 200, n
        assert not logged_in(browser)
    assert signals["failed"] == allowed

    response, browser = attempt(page, "staffer", PASSWORD)
    assert_throttled(response, browser)
    assert re.search(r'name="username"[^>]*value="staffer"', response.content.decode())  # the handle is kept
    response, browser = attempt(page, "staffer", "guess-again")
    assert_throttled(response, browser)
    # Neither refused attempt reached authenticate(): no failure reported, no login, no last_login.
    assert signals == {"failed": allowed, "logged_in": 0}
    staff.refresh_from_db()
    assert staff.last_login is None


def test_another_client_address_keeps_its_own_budget(staff):
    for n in range(configured_allowance()):
        attempt("/login", "staffer", f"guess-{n}")
    assert_throttled(*attempt("/login", "staffer", PASSWORD))

    response, browser = attempt("/login", "staffer", PASSWORD, address=NEIGHBOUR)
    assert response.status_code == 302
    assert logged_in(browser)


def test_a_made_up_forwarded_for_header_buys_no_fresh_budget(staff, small_rate):
    # API_NUM_PROXIES is 0 here: the peer address counts, not what the client claims.
    for n in range(small_rate + 2):
        response, browser = attempt("/login", "staffer", f"guess-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_throttled(response, browser)


def test_successful_logins_count_too(staff, small_rate):
    for _ in range(small_rate):
        response, browser = attempt("/login", "staffer", PASSWORD)
        assert response.status_code == 302
        assert logged_in(browser)
    assert_throttled(*attempt("/login", "staffer", PASSWORD))


def test_after_the_window_logging_in_works_again(staff, small_rate, clock):
    for n in range(small_rate):
        attempt("/login", "staffer", f"guess-{n}")
    response, browser = attempt("/login", "staffer", PASSWORD)
    assert_throttled(response, browser)
    assert response["Retry-After"] == "60"

    clock.now += 45
    response, browser = attempt("/login", "staffer", PASSWORD)
    assert_throttled(response, browser)
    assert response["Retry-After"] == "15"

    clock.now += 15
    response, browser = attempt("/login", "staffer", PASSWORD)
    assert response.status_code == 302
    assert logged_in(browser)


def test_the_login_pages_and_the_token_endpoint_share_one_budget(staff, small_rate):
    token = Client(REMOTE_ADDR=ATTACKER).post("/api/auth/token", {"username": "staffer", "password": "guess"},
                                              content_type="application/json")
    assert token.status_code == 401
    assert attempt("/login", "staffer", "guess")[0].status_code == 200
    assert attempt("/admin/login/", "staffer", "guess")[0].status_code == 200

    assert_throttled(*attempt("/login", "staffer", PASSWORD))
    assert_throttled(*attempt("/admin/login/", "staffer", PASSWORD))
    token = Client(REMOTE_ADDR=ATTACKER).post("/api/auth/token", {"username": "staffer", "password": PASSWORD},
                                              content_type="application/json")
    assert token.status_code == 429


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_showing_the_login_page_is_never_throttled(page, staff, small_rate):
    browser = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(3 * small_rate):
        assert browser.get(page).status_code == 200
    # Looking at the page used none of the budget.
    for n in range(small_rate):
        assert attempt(page, "staffer", f"guess-{n}")[0].status_code == 200
    assert_throttled(*attempt(page, "staffer", PASSWORD))
    assert browser.get(page).status_code == 200


def test_staff_log_in_on_the_admin_login_and_reach_the_admin_then_log_out(staff):
    browser = Client()
    response = browser.post("/admin/login/?next=/admin/", {"username": "staffer", "password": PASSWORD,
                                                           "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200

    assert browser.post("/admin/logout/")["Location"] == settings.LOGOUT_REDIRECT_URL
    assert not logged_in(browser)
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_non_staff_user_is_not_let_into_the_admin(db):
    make_user("plain")
    response, browser = attempt("/admin/login/", "plain", PASSWORD)
    assert response.status_code == 200
    assert "for a staff account" in response.content.decode()
    assert not logged_in(browser)

    browser.post("/login", {"username": "plain", "password": PASSWORD})
    assert logged_in(browser)
    refused = browser.get("/admin/", follow=True)
    assert refused.redirect_chain == [("/admin/login/?next=/admin/", 302)]
    assert "not authorized to access this page" in refused.content.decode()
