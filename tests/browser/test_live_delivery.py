"""Two people in two browser contexts on the app under ASGI: a message one sends appears on the other's open
conversation page and list without a reload, from the event stream; with the stream gone, the page falls back to
polling and still gets the next message."""
import pytest
from playwright.sync_api import expect

from messaging.live.bus import _hubs
from tests.support.asgi_server import ThreadedUvicorn
from tests.support.browser import log_in, screenshot

pytestmark = pytest.mark.browser

LIVE = 1000  # ms: well under a second from the sender's page showing its message


@pytest.fixture
def asgi_live_server(transactional_db, app_ddb):
    server = ThreadedUvicorn()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pair(members, asgi_live_server, new_page):
    *_, group = members
    andrews, baykos = new_page(), new_page()
    log_in(andrews, asgi_live_server, "andrewbrown")
    log_in(baykos, asgi_live_server, "bayko")
    return andrews, baykos, group


def send_from_page(page, text):
    page.get_by_label("Write a message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages .text", has_text=text)).to_be_visible()


def test_a_message_appears_on_the_other_persons_page_and_list_without_a_reload(pair, asgi_live_server):
    andrews, baykos, group = pair
    with andrews.expect_response(lambda r: "/api/events" in r.url):
        andrews.goto(f"{asgi_live_server.url}/messages/{group}")
    baykos.goto(f"{asgi_live_server.url}/messages/{group}")
    andrews_list = andrews.context.new_page()
    with andrews_list.expect_response(lambda r: "/api/events" in r.url):
        andrews_list.goto(f"{asgi_live_server.url}/messages")

    send_from_page(baykos, "Live from Bayko")
    expect(andrews.locator("#messages .text", has_text="Live from Bayko")).to_be_visible(timeout=LIVE)
    expect(andrews_list.locator("#conversations li").first.locator(".last-message")).to_have_text(
        "Live from Bayko", timeout=LIVE)
    assert andrews.locator("#messages .text", has_text="Live from Bayko").count() == 1
    screenshot(andrews, "live-delivery")


def test_with_the_stream_gone_the_page_polls_and_still_gets_the_next_message(pair, asgi_live_server):
    andrews, baykos, group = pair
    with andrews.expect_response(lambda r: "/api/events" in r.url):
        andrews.goto(f"{asgi_live_server.url}/messages/{group}")
    polls = []
    andrews.on("request", lambda r: polls.append(r.url) if f"/api/messages/{group}?" in r.url else None)
    # No stream can be opened again, and the open one ends as when the live bus is lost.
    andrews.route("**/api/events**", lambda route: route.abort())
    for hub in list(_hubs.values()):
        if not hub.loop.is_closed():  # the server's, not a hub of an earlier test's loop
            hub.loop.call_soon_threadsafe(hub.bus_lost)

    baykos.goto(f"{asgi_live_server.url}/messages/{group}")
    send_from_page(baykos, "Sent while the stream is down")
    expect(andrews.locator("#messages .text", has_text="Sent while the stream is down")).to_be_visible(
        timeout=10_000)
    assert polls, "the message came by polling"
