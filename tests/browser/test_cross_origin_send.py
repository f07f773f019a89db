"""A front end on FRONTEND_URL sends a retry-safe message from Chromium: the browser's CORS preflight must
allow `Idempotency-Key`, or the browser refuses to send at all (issue 13, defect 5)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from users.authentication import issue_local_token

pytestmark = pytest.mark.browser

SEND_FROM_THE_FRONT_END = """async ([url, token, body]) => {
  const send = () => fetch(url, {method: "POST", body: JSON.stringify(body), headers: {
    "Authorization": `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": "front-end-1"}});
  try {
    const first = await send(), again = await send();
    return [first.status, (await first.json()).uuid, again.status, (await again.json()).uuid];
  } catch (error) {
    return [String(error)];
  }
}"""


@pytest.fixture
def front_end(settings):
    """An empty page on its own origin (127.0.0.1, another port), configured as the app's FRONTEND_URL."""

    class EmptyPage(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<!doctype html><title>front end</title>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), EmptyPage)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CORS_ALLOWED_ORIGINS = [origin]
    yield origin
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_a_front_end_on_another_origin_sends_with_an_idempotency_key(new_page, live_server, members, front_end):
    andrew, _, group = members
    page = new_page()
    page.goto(front_end)
    token = issue_local_token(andrew).access_token
    answer = page.evaluate(SEND_FROM_THE_FRONT_END, [f"{live_server.url}/api/messages", token,
                                                     {"message": "sent cross-origin", "message_group_uuid": group}])
    # Refused by the preflight, fetch fails with a TypeError and nothing is sent.
    assert len(answer) == 4, answer
    first_status, first_uuid, again_status, again_uuid = answer
    assert (first_status, again_status) == (200, 200)
    assert first_uuid == again_uuid, "the retry with the same key returned the first message"
