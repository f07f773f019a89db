"""Client threads that keep sending messages through the API, each send recorded with its answer and times."""
import threading
import time
from dataclasses import dataclass

import requests

from tests.support.app_client import Api


@dataclass
class Send:
    sender: str
    body: dict
    idempotency_key: str
    started: float
    finished: float
    status: int | None  # None: no HTTP answer at all
    answer: dict | list | None

    @property
    def text(self) -> str:
        return self.body["message"]


class SendLoad:
    """One thread per (sender, recipients) plan. A plan's recipient is a conversation uuid or a handle;
    a thread goes round its recipients, one send each, every send with its own Idempotency-Key."""

    def __init__(self, apis: dict[str, Api], plans: list[tuple[str, list[dict]]]):
        self.apis = apis
        self.plans = plans
        self.sends: list[Send] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._send_loop, args=plan, daemon=True) for plan in plans]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in self._threads), "a client thread is stuck"

    def acknowledged(self) -> int:
        with self._lock:
            return sum(send.status == 200 for send in self.sends)

    def wait_for_acknowledged(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.acknowledged() < count:
            assert time.monotonic() < deadline, f"only {self.acknowledged()} of {count} sends acknowledged"
            time.sleep(0.05)

    def _send_loop(self, sender: str, recipients: list[dict]) -> None:
        api = self.apis[sender]
        number = 0
        while not self._stop.is_set():
            number += 1
            body = {"message": f"load {sender} {number}", **recipients[number % len(recipients)]}
            key = f"load-{sender}-{number}"
            started = time.monotonic()
            try:
                response = api.send(body, idempotency_key=key).response
                status, answer = response.status_code, response.json()
            except requests.RequestException:
                status, answer = None, None
            with self._lock:
                self.sends.append(Send(sender, body, key, started, time.monotonic(), status, answer))
            if status == 503:
                # A well-behaved client waits as long as the server asked before sending again.
                self._stop.wait(int(response.headers["Retry-After"]))
