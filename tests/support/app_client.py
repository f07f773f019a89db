"""The paths a user takes into the app under test: API calls with a token, and pages in a logged-in session."""
import re
import time
from dataclasses import dataclass

import requests

from bench.harness import PASSWORD, token_headers, worker_pids

TIMEOUT = 60  # seconds; far above any bound the tests assert, so a hang shows as a failed bound, not a stall


@dataclass
class Timed:
    response: requests.Response
    seconds: float
    finished_at: float  # time.monotonic() when the answer arrived, to order answers of concurrent calls


def timed(call, *args, **kwargs) -> Timed:
    started = time.monotonic()
    response = call(*args, timeout=TIMEOUT, **kwargs)
    finished_at = time.monotonic()
    return Timed(response, finished_at - started, finished_at)


class Api:
    """One user's REST client (a token from POST /api/auth/token)."""

    def __init__(self, base_url: str, handle: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update(token_headers(base_url, handle, self.session))

    def get(self, path: str) -> Timed:
        return timed(self.session.get, f"{self.base_url}{path}")

    def send(self, body: dict, idempotency_key: str | None = None) -> Timed:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return timed(self.session.post, f"{self.base_url}/api/messages", json=body, headers=headers)

    def all_messages(self, group_uuid: str) -> list[dict]:
        """Every message of a conversation, following the Link headers back to the oldest."""
        found, url = [], f"{self.base_url}/api/messages/{group_uuid}?limit=100"
        while url:
            response = self.session.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            found = response.json() + found
            url = response.links.get("next", {}).get("url")
        return found


class Browser:
    """A logged-in browser session on the pages (forms with CSRF, redirects not followed)."""

    def __init__(self, base_url: str, handle: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.get(f"{base_url}/login", timeout=TIMEOUT).raise_for_status()
        answer = self.post("/login", {"username": handle, "password": PASSWORD}).response
        assert answer.status_code == 302, answer.text[-2000:]

    def get(self, path: str) -> Timed:
        return timed(self.session.get, f"{self.base_url}{path}", allow_redirects=False)

    def post(self, path: str, form: dict) -> Timed:
        data = {**form, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        return timed(self.session.post, f"{self.base_url}{path}", data=data, allow_redirects=False)


def hidden_idempotency_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def all_worker_pids(master_pid: int, workers: int, timeout: float = 30) -> set[int]:
    """The workers' pids once all of them are up (the port opens before the last one has booted)."""
    deadline = time.monotonic() + timeout
    while len(pids := worker_pids(master_pid)) < workers:
        assert time.monotonic() < deadline, f"gunicorn has {len(pids)} of {workers} workers"
        time.sleep(0.1)
    return pids
