"""DynamoDB throttling: botocore retries each call DDB_MAX_ATTEMPTS times in all, then the API answers 503 with
Retry-After (and the pages their 503 page). The app runs on its default client limits."""
import uuid

import pytest

from bench.harness import gunicorn
from tests.faults.answers import assert_unavailable_json, assert_unavailable_page
from tests.faults.limits import DEFAULT_LIMITS, worst_case_seconds
from tests.faults.servers import App, app_env
from tests.faults.throttle_stub import ThrottlingDynamoDB
from tests.support.app_client import Api, Browser

GROUP_UUID = str(uuid.uuid4())
API_CALLS = {
    "GET /api/message_groups": lambda api: api.get("/api/message_groups"),
    "GET /api/messages/<uuid>": lambda api: api.get(f"/api/messages/{GROUP_UUID}"),
    "POST /api/messages {handle}": lambda api: api.send({"message": "hi", "handle": "bayko"}, "throttled-handle"),
    "POST /api/messages {message_group_uuid}": lambda api: api.send(
        {"message": "hi", "message_group_uuid": GROUP_UUID}, "throttled-group"),
}


@pytest.fixture(scope="module")
def throttling_ddb():
    stub = ThrottlingDynamoDB().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def throttled_app(throttling_ddb, users_dir):
    """One gunicorn worker (one botocore client to count for) on the default limits, in front of the stub."""
    with gunicorn(app_env(throttling_ddb.endpoint_url, users_dir), workers=1) as (process, base_url):
        yield App(process, base_url, DEFAULT_LIMITS, workers=1)


@pytest.fixture
def stub(throttling_ddb):
    throttling_ddb.error_code = "ProvisionedThroughputExceededException"
    throttling_ddb.take_operations()
    return throttling_ddb


def assert_retried_then_refused(stub: ThrottlingDynamoDB, answer, what: str) -> None:
    attempts = stub.take_operations()
    # One DynamoDB call, attempted DDB_MAX_ATTEMPTS times; the first refusal ends the request.
    assert len(attempts) == DEFAULT_LIMITS["DDB_MAX_ATTEMPTS"] and len(set(attempts)) == 1, (what, attempts)


@pytest.mark.parametrize("name", API_CALLS)
def test_provisioned_throughput_exceeded_is_retried_then_503(stub, throttled_app, name):
    api = Api(throttled_app.base_url, "andrewbrown")
    answer = API_CALLS[name](api)
    assert_retried_then_refused(stub, answer, name)
    assert_unavailable_json(answer, worst_case_seconds(DEFAULT_LIMITS, throttled=True), name)


@pytest.mark.parametrize("code", ["ThrottlingException", "RequestLimitExceeded"])
def test_other_throttling_errors_are_retried_then_503(stub, throttled_app, code):
    api = Api(throttled_app.base_url, "andrewbrown")
    stub.error_code = code
    answer = api.get("/api/message_groups")
    assert_retried_then_refused(stub, answer, code)
    assert_unavailable_json(answer, worst_case_seconds(DEFAULT_LIMITS, throttled=True), code)


def test_a_throttled_page_is_retried_then_the_503_page(stub, throttled_app):
    browser = Browser(throttled_app.base_url, "andrewbrown")
    answer = browser.get("/messages")
    assert_retried_then_refused(stub, answer, "GET /messages")
    assert_unavailable_page(answer, worst_case_seconds(DEFAULT_LIMITS, throttled=True), "GET /messages")
