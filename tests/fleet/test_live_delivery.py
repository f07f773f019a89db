"""Live delivery across a fleet: a gunicorn (the API and the pages) and a uvicorn (the event streams) sharing one
Redis, DynamoDB Local and the user database. A message sent through the one reaches a stream on the other within a
second, whether it came through the API, a page form or `manage.py ddb seed`; Redis stopped mid-stream ends the
streams with a retry hint while sends still succeed, and a reconnect after it is back recovers everything; a
client that stops reading is dropped."""
import json
import socket
import subprocess
import sys
import time

import pytest
import requests

from bench.harness import PROJECT_DIR, asgi_server, gunicorn, token_headers
from tests.support.app_client import Browser, hidden_idempotency_key
from tests.support.fleet import fleet_env
from tests.support.sse import LiveStream

pytestmark = pytest.mark.ddb_local

DELIVERY = 1.0  # seconds: the promise, from a send's answer to the event on the other instance
WAIT = 15  # seconds: bounded waits for what has no promise of its own
LIVE_SETTINGS = {"LIVE_HEARTBEAT_SECONDS": "1", "LIVE_BUS_DOWN_RETRY_MS": "2000", "LIVE_MAX_STREAMS_PER_USER": "2",
                 "API_THROTTLE_USER": "1000/min"}  # streams are opened again and again here


def live_env(endpoint_url, users_dir, redis_url) -> dict:
    return {**fleet_env(endpoint_url, users_dir, redis_url), **LIVE_SETTINGS}


@pytest.fixture(scope="module")
def streams_app(ddb_local_server, users_dir, shared_redis):
    with asgi_server(live_env(ddb_local_server.endpoint_url, users_dir, shared_redis.url)) as (process, url):
        yield process, url


def is_message(uuid=None, text=None):
    return lambda b: b.event == "message" and (uuid is None or b.data["uuid"] == uuid) and (
        text is None or b.data["message"] == text)


def opened(stream: LiveStream) -> LiveStream:
    assert stream.status == 200, stream.response.text if stream.status != 200 else ""
    stream.wait_for(lambda b: b.retry is not None, WAIT)  # subscribed: the first block comes after
    return stream


def test_an_api_send_on_one_instance_reaches_a_stream_on_the_other_within_a_second(fleet, streams_app, redis_client):
    api_app, (_, streams_url) = fleet[0], streams_app
    bayko = opened(LiveStream(streams_url, token_headers(streams_url, "bayko")))
    londo = opened(LiveStream(streams_url, token_headers(streams_url, "londo")))
    try:
        sender = token_headers(api_app.base_url, "sean")
        answer = requests.post(f"{api_app.base_url}/api/messages", json={"message": "live?", "handle": "bayko"},
                               headers=sender, timeout=WAIT)
        acknowledged = time.monotonic()
        assert answer.status_code == 200
        arrived, event = bayko.wait_for(is_message(answer.json()["uuid"]), WAIT)
        assert arrived - acknowledged < DELIVERY, arrived - acknowledged
        assert event.data == answer.json()
        londo.wait_for(lambda b: b.comments == ["keep-alive"], WAIT)
        assert not [b for b in londo.blocks if b.event]  # only the members' streams carry it
    finally:
        bayko.close()
        londo.close()


def test_a_page_send_reaches_a_stream_on_the_other_instance_within_a_second(fleet, streams_app, redis_client):
    page_app, (_, streams_url) = fleet[1], streams_app
    jake = opened(LiveStream(streams_url, token_headers(streams_url, "jake")))
    try:
        browser = Browser(page_app.base_url, "ice")
        form = browser.get("/messages/new/jake").response
        sent = browser.post("/messages/new/jake", {"message": "from a form",
                                                    "idempotency_key": hidden_idempotency_key(form.text)})
        acknowledged = time.monotonic()
        assert sent.response.status_code == 302
        arrived, _ = jake.wait_for(is_message(text="from a form"), WAIT)
        assert arrived - acknowledged < DELIVERY
    finally:
        jake.close()


def test_ddb_seed_reaches_the_streams_within_a_second(ddb_local_server, users_dir, shared_redis, streams_app,
                                                      redis_client):
    _, streams_url = streams_app
    andrew = opened(LiveStream(streams_url, token_headers(streams_url, "andrewbrown")))
    try:
        env = live_env(ddb_local_server.endpoint_url, users_dir, shared_redis.url)
        # Demo data with the demo password, whatever the suite's DATABASE_URL (the instances share the users).
        subprocess.run([sys.executable, "manage.py", "ddb", "seed", "--allow-demo-password"], cwd=PROJECT_DIR, env=env,
                       check=True, capture_output=True, timeout=120)
        finished = time.monotonic()
        for n in range(5):  # the demo conversation's five messages
            andrew.wait_for(lambda b, n=n: len([x for x in andrew.blocks_unlocked() if x.event == "message"]) > n,
                            DELIVERY + (finished - time.monotonic()) + DELIVERY)
        assert len([b for b in andrew.blocks if b.event == "message"]) == 5
    finally:
        andrew.close()


def test_redis_stopped_mid_stream_sends_succeed_streams_end_with_a_retry_hint_and_reconnects_recover(
        ddb_local_server, users_dir, own_redis):
    env = live_env(ddb_local_server.endpoint_url, users_dir, own_redis.url)
    with gunicorn(env, workers=1) as (_, api_url), asgi_server(env) as (_, streams_url):
        sender = token_headers(api_url, "Gakar")
        reader = token_headers(streams_url, "sean")
        stream = opened(LiveStream(streams_url, reader))
        first = requests.post(f"{api_url}/api/messages", json={"message": "before", "handle": "sean"},
                              headers=sender, timeout=WAIT).json()
        _, seen = stream.wait_for(is_message(first["uuid"]), WAIT)

        own_redis.kill()
        ended = stream.wait_until_ended(WAIT)
        assert ended[-1].retry == 2000 and ended[-1].comments == ["live bus lost, reconnect"]
        during = [requests.post(f"{api_url}/api/messages", json={"message": f"during {n}", "handle": "sean"},
                                headers=sender, timeout=WAIT) for n in range(3)]
        assert [answer.status_code for answer in during] == [200, 200, 200]
        refused = LiveStream(streams_url, reader, last_event_id=seen.id)
        assert refused.status == 200  # never a 500: a stream that says when to come back
        assert refused.wait_until_ended(WAIT)[-1].retry == 2000

        own_redis.start()
        again = opened(LiveStream(streams_url, reader, last_event_id=seen.id))
        try:
            again.wait_for(is_message(during[-1].json()["uuid"]), WAIT)
            recovered = [b.data["uuid"] for b in again.blocks if b.event == "message"]
            assert recovered == [answer.json()["uuid"] for answer in during]
            after = requests.post(f"{api_url}/api/messages", json={"message": "after", "handle": "sean"},
                                  headers=sender, timeout=WAIT).json()
            again.wait_for(is_message(after["uuid"]), WAIT)
        finally:
            again.close()


def test_a_client_that_stops_reading_is_dropped(streams_app, shared_redis, redis_client):
    _, streams_url = streams_app
    host, port = streams_url.removeprefix("http://").split(":")
    headers = token_headers(streams_url, "bayko")
    user_uuid = requests.get(f"{streams_url}/api/users/@bayko/short", headers=headers, timeout=WAIT).json()["uuid"]
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect((host, int(port)))
    slow.sendall(f"GET /api/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: {headers['Authorization']}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    slow.settimeout(WAIT)
    assert slow.recv(12) == b"HTTP/1.1 200"
    time.sleep(0.5)  # its first blocks are sent; from here on it reads nothing
    filler = "x" * 1000
    with redis_client.pipeline(transaction=False) as pipe:
        for n in range(4000):  # ~4 MB, far past the socket buffers and the stream's queue
            data = {"uuid": f"00000000-0000-4000-8000-{n:012d}", "created_at": "2026-11-30T00:00:00.000000+00:00",
                    "message": filler, "message_group_uuid": "00000000-0000-4000-8000-000000000000"}
            pipe.publish("cruddur:live", json.dumps({"type": "message", "to": [user_uuid], "data": data}))
        pipe.execute()
    # Dropped: its slot is free again, so the user's two allowed streams open (one more would be refused). While
    # the flood is still arriving, a new stream of the same user can itself be dropped: try again until it is over.
    deadline = time.monotonic() + WAIT
    while True:
        fresh = [LiveStream(streams_url, headers) for _ in range(2)]
        firsts = [stream.first_block(WAIT) for stream in fresh]
        for stream in fresh:
            stream.close()
        if all(first is not None and first.retry == 3000 for first in firsts):
            break
        assert time.monotonic() < deadline, ("the stream that stopped reading still holds its slot", firsts)
        time.sleep(0.5)
    slow.close()
