"""DynamoDB Local stopped or hanging: every endpoint that needs it answers 503 with Retry-After within the
client's limits, everything else keeps answering, and the same gunicorn serves again once it is back."""
import pytest

from bench.harness import gunicorn
from messaging.store.table_check import read_table
from tests.faults.answers import assert_unavailable_json, assert_unavailable_page
from tests.faults.limits import DEFAULT_LIMITS, worst_case_seconds
from tests.faults.servers import TABLE, App, app_env
from tests.support.app_client import Api, Browser, all_worker_pids, hidden_idempotency_key, worker_pids

pytestmark = pytest.mark.ddb_local

def dynamodb_calls(group_uuid: str, tag: str) -> dict:
    """Every API call that needs DynamoDB; the sends carry an Idempotency-Key so they can be retried."""
    return {
        "GET /api/message_groups": lambda api: api.get("/api/message_groups"),
        "GET /api/messages/<uuid>": lambda api: api.get(f"/api/messages/{group_uuid}"),
        "POST /api/messages {handle}": lambda api: api.send(
            {"message": f"{tag}: to londo", "handle": "londo"}, idempotency_key=f"{tag}-handle"),
        "POST /api/messages {message_group_uuid}": lambda api: api.send(
            {"message": f"{tag}: to bayko", "message_group_uuid": group_uuid}, idempotency_key=f"{tag}-group"),
    }


def assert_everything_answers(api: Api, browser: Browser, group_uuid: str, tag: str) -> None:
    for name, call in dynamodb_calls(group_uuid, tag).items():
        response = call(api).response
        assert response.status_code == 200, (name, response.status_code, response.text[:500])
    # The list shows each conversation's last message; the conversation shows its history.
    for path, shown in (("/messages", f"{tag}: to bayko"), (f"/messages/{group_uuid}", "before the outage")):
        response = browser.get(path).response
        assert response.status_code == 200, (path, response.status_code)
        assert shown in response.text, path
    form_key = hidden_idempotency_key(browser.get(f"/messages/{group_uuid}").response.text)
    sent = browser.post(f"/messages/{group_uuid}", {"message": f"{tag}: by form", "idempotency_key": form_key}).response
    assert sent.status_code == 302, sent.status_code


def assert_retries_store_once(api: Api, table_client, table: str, group_uuid: str, tag: str) -> None:
    """Sends refused with 503 may or may not have been stored; a retry with the same key is stored exactly once."""
    retried = {}
    for name, call in dynamodb_calls(group_uuid, tag).items():
        if name.startswith("POST"):
            response = call(api).response
            assert response.status_code == 200, (name, response.text[:500])
            retried[response.json()["message"]] = response.json()
    contents = read_table(table_client, table)
    for text, sent in retried.items():
        texts = contents.message_texts(sent["message_group_uuid"])
        assert texts.count(text) == 1, (text, texts.count(text))
        assert sent["uuid"] in contents.all_messages()


@pytest.fixture
def andrew(ddb, fast_app):
    api = Api(fast_app.base_url, "andrewbrown")
    first = api.send({"message": "before the outage", "handle": "bayko"}).response
    assert first.status_code == 200, first.text
    return api, Browser(fast_app.base_url, "andrewbrown"), first.json()["message_group_uuid"]


def test_stopped_dynamodb_gets_503_everywhere_fast_then_the_same_gunicorn_recovers(ddb, fast_app, andrew,
                                                                                    table_client):
    api, browser, group_uuid = andrew
    master, workers = fast_app.process.pid, all_worker_pids(fast_app.process.pid, fast_app.workers)
    form_key = hidden_idempotency_key(browser.get(f"/messages/{group_uuid}").response.text)
    bound = worst_case_seconds(fast_app.limits)

    ddb.stop()
    for name, call in dynamodb_calls(group_uuid, "stopped").items():
        assert_unavailable_json(call(api), bound, name)
    # What needs no DynamoDB keeps answering.
    health = api.get("/api/health-check").response
    assert health.status_code == 200 and health.json() == {"success": True, "ver": 1}
    assert api.get("/api/users/@bayko/short").response.json()["handle"] == "bayko"
    assert Api(fast_app.base_url, "bayko").session.headers["Authorization"].startswith("Bearer ")
    # Pages: a friendly 503, also when sending by the form.
    assert_unavailable_page(browser.get("/messages"), bound, "GET /messages")
    assert_unavailable_page(browser.get(f"/messages/{group_uuid}"), bound, "GET /messages/<uuid>")
    assert_unavailable_page(
        browser.post(f"/messages/{group_uuid}", {"message": "form while stopped", "idempotency_key": form_key}),
        bound, "POST /messages/<uuid>")
    assert_unavailable_page(
        browser.post("/messages/new/sean", {"message": "new while stopped", "idempotency_key": "stopped-new-sean"}),
        bound, "POST /messages/new/<handle>")

    ddb.start()  # same port, same data dir; the app is not touched
    assert_everything_answers(api, browser, group_uuid, "after-stop")
    assert_retries_store_once(api, table_client, TABLE, group_uuid, "stopped")
    resent = browser.post(f"/messages/{group_uuid}", {"message": "form while stopped", "idempotency_key": form_key})
    assert resent.response.status_code == 302
    assert read_table(table_client, TABLE).message_texts(group_uuid).count("form while stopped") == 1
    assert fast_app.process.poll() is None
    assert (fast_app.process.pid, worker_pids(fast_app.process.pid)) == (master, workers)


def test_hanging_dynamodb_gets_503_after_the_read_timeouts_then_the_same_gunicorn_recovers(ddb, fast_app, andrew,
                                                                                          table_client):
    api, browser, group_uuid = andrew
    master, workers = fast_app.process.pid, all_worker_pids(fast_app.process.pid, fast_app.workers)
    limits = fast_app.limits
    bound = worst_case_seconds(limits)
    # At least one read timeout waited out: the hang was cut by the client's limits, not refused at once. (Not one
    # per attempt: botocore's retry quota, spent by earlier outages of this long-lived server, may skip retries.)
    least = limits["DDB_READ_TIMEOUT"]

    ddb.freeze()
    for name, call in dynamodb_calls(group_uuid, "frozen").items():
        answer = call(api)
        assert_unavailable_json(answer, bound, name)
        assert answer.seconds >= least, (name, answer.seconds)
    assert api.get("/api/health-check").response.status_code == 200
    assert_unavailable_page(browser.get(f"/messages/{group_uuid}"), bound, "GET /messages/<uuid>")

    ddb.thaw()
    assert_everything_answers(api, browser, group_uuid, "after-freeze")
    assert_retries_store_once(api, table_client, TABLE, group_uuid, "frozen")
    assert (fast_app.process.pid, worker_pids(fast_app.process.pid)) == (master, workers)


@pytest.fixture
def default_app(ddb, users_dir, table_client):
    """One gunicorn worker with no DDB_* variables set: the app's default client limits."""
    with gunicorn(app_env(ddb.endpoint_url, users_dir), workers=1) as (process, base_url):
        yield App(process, base_url, DEFAULT_LIMITS, workers=1)


def test_the_default_client_limits_bound_an_outage_too(ddb, default_app):
    api = Api(default_app.base_url, "andrewbrown")
    bound = worst_case_seconds(DEFAULT_LIMITS)

    ddb.freeze()
    hung = api.get("/api/message_groups")
    assert_unavailable_json(hung, bound, "GET /api/message_groups, DynamoDB hanging, default limits")
    # Each attempt waits out its read timeout, so the time counts the attempts: DDB_MAX_ATTEMPTS of them, no more.
    attempts, read_timeout = DEFAULT_LIMITS["DDB_MAX_ATTEMPTS"], DEFAULT_LIMITS["DDB_READ_TIMEOUT"]
    assert attempts * read_timeout <= hung.seconds < (attempts + 1) * read_timeout
    ddb.stop()
    assert_unavailable_json(api.get("/api/message_groups"), bound, "GET /api/message_groups, DynamoDB stopped, "
                            "default limits")

    ddb.start()
    assert api.get("/api/message_groups").response.status_code == 200
