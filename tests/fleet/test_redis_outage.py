"""The app's own Redis killed mid-run, then hanging (SIGSTOP), then back: every endpoint answers within the bound
with the status docs/RELIABILITY.md documents, never a 500; every acknowledged send is in the table; and the same
gunicorn serves fully again (the password budget counted, users cached) without a restart.

The bound: a failing Redis call costs at most REDIS_SOCKET_TIMEOUT (0.25 s; refused connections cost
nothing), and a request makes at most five calls that can fail (the token user's read, the two throttles' reads,
the conversation's read and the current names' read; a failed read skips its write)."""
import logging

import pytest
import redis
import requests

from bench.harness import PASSWORD, gunicorn
from messaging.store.table_check import find_violations, read_table
from tests.faults.limits import APP_SLACK_SECONDS
from tests.faults.servers import TABLE
from tests.support.app_client import Api, Browser, hidden_idempotency_key, timed, worker_pids
from tests.support.fleet import fleet_env

pytestmark = pytest.mark.ddb_local
logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.25  # REDIS_SOCKET_TIMEOUT's default, which the server under test runs with
FAILING_CALLS_PER_REQUEST = 5
BOUND = FAILING_CALLS_PER_REQUEST * SOCKET_TIMEOUT + APP_SLACK_SECONDS


@pytest.fixture
def app(ddb_local_server, users_dir, own_redis):
    with gunicorn(fleet_env(ddb_local_server.endpoint_url, users_dir, own_redis.url), workers=2) as (process, url):
        yield process, url


def within_bound(answer, status: int, what: str) -> requests.Response:
    response = answer.response
    assert response.status_code == status, (what, response.status_code, response.text[:500])
    assert answer.seconds < BOUND, (what, answer.seconds, BOUND)
    logger.info("%s: %d in %.3f s (bound %.2f s)", what, status, answer.seconds, BOUND)
    return response


class Walk:
    """Every endpoint, as a REST client and a browser use them; the acknowledged sends, kept for the table check."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.api = Api(base_url, "andrewbrown")
        self.browser = Browser(base_url, "andrewbrown")
        self.acknowledged: dict[str, str] = {}  # message uuid -> text, sent by the API
        self.acknowledged_forms: list[str] = []  # texts sent by the form (its answer is a redirect)
        first = self.send(f"{base_url}: before", "first")
        self.group_uuid = first["message_group_uuid"]

    def send(self, text: str, what: str) -> dict:
        response = within_bound(self.api.send({"message": text, "handle": "bayko"}), 200, what)
        self.acknowledged[response.json()["uuid"]] = text
        return response.json()

    def token(self, password: str = PASSWORD):
        return timed(requests.post, f"{self.base_url}/api/auth/token",
                     json={"username": "bayko", "password": password})

    def login_page(self):
        session = requests.Session()
        session.get(f"{self.base_url}/login", timeout=30)
        return timed(session.post, f"{self.base_url}/login", allow_redirects=False,
                     data={"username": "bayko", "password": PASSWORD,
                           "csrfmiddlewaretoken": session.cookies["csrftoken"]})

    def everything_but_logins(self, tag: str, readiness: str) -> None:
        within_bound(self.api.get("/api/health-check"), 200, f"{tag}: health-check")
        ready = within_bound(self.api.get("/api/health/ready"), 200, f"{tag}: readiness").json()
        assert ready["status"] == readiness, (tag, ready)
        within_bound(self.api.get("/api/message_groups"), 200, f"{tag}: GET /api/message_groups")
        within_bound(self.api.get(f"/api/messages/{self.group_uuid}"), 200, f"{tag}: GET /api/messages/<uuid>")
        within_bound(self.api.get("/api/users/@bayko/short"), 200, f"{tag}: GET /api/users/@bayko/short")
        self.send(f"{tag}: by the API", f"{tag}: POST /api/messages")
        within_bound(self.browser.get("/messages"), 200, f"{tag}: GET /messages")
        page = within_bound(self.browser.get(f"/messages/{self.group_uuid}"), 200, f"{tag}: GET /messages/<uuid>")
        form = {"message": f"{tag}: by the form", "idempotency_key": hidden_idempotency_key(page.text)}
        within_bound(self.browser.post(f"/messages/{self.group_uuid}", form), 302, f"{tag}: POST /messages/<uuid>")
        self.acknowledged_forms.append(form["message"])

    def logins_refused(self, tag: str) -> None:
        answers = {f"{tag}: POST /api/auth/token": self.token(), f"{tag}: POST /login": self.login_page()}
        for what, answer in answers.items():
            response = within_bound(answer, 503, what)
            assert int(response.headers["Retry-After"]) >= 1, what
        assert self.token().response.json()["detail"].startswith("Cannot check the login attempt budget")

    def logins_work(self, tag: str) -> None:
        within_bound(self.token(), 200, f"{tag}: POST /api/auth/token")
        within_bound(self.login_page(), 302, f"{tag}: POST /login")


def test_redis_killed_then_hanging_then_back_degrades_as_documented_and_recovers(
        app, own_redis, table_client):
    process, base_url = app
    walk = Walk(base_url)
    walk.everything_but_logins("healthy", readiness="ready")
    walk.logins_work("healthy")
    workers = worker_pids(process.pid)

    own_redis.kill()
    walk.everything_but_logins("killed", readiness="degraded")
    walk.logins_refused("killed")

    own_redis.start()  # the same port, empty
    own_redis.freeze()
    slowest = walk.token()  # its throttle reads wait out the socket timeout: the hang is cut, not refused at once
    assert slowest.seconds >= SOCKET_TIMEOUT, slowest.seconds
    walk.everything_but_logins("hanging", readiness="degraded")
    walk.logins_refused("hanging")

    own_redis.thaw()
    walk.everything_but_logins("back", readiness="ready")
    walk.logins_work("back")
    # Full service: the budget is counted and users are cached in Redis again, by the same workers.
    keys = {key.decode() for key in redis.Redis.from_url(own_redis.url).keys("*")}
    assert any(":throttle_auth_token_" in key for key in keys), keys
    assert any(":users.lookup:uuid:" in key for key in keys), keys
    assert process.poll() is None and worker_pids(process.pid) == workers

    contents = read_table(table_client, TABLE)
    stored = contents.all_messages()
    for message_uuid, text in walk.acknowledged.items():
        assert stored[message_uuid]["message"]["S"] == text
    for text in walk.acknowledged_forms:
        assert contents.message_texts(walk.group_uuid).count(text) == 1, text
    assert find_violations(contents) == []
