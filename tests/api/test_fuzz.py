"""The API's answers match its own OpenAPI schema, whatever the request: Schemathesis generates
requests for every operation from the schema (well-formed ones and broken ones, with a token and
without), sends them through the WSGI app on moto, and checks each answer: never a 5xx, and status,
headers, content type and body as the schema describes them. The requests are counted, so the run
cannot shrink unnoticed below MIN_REQUESTS."""
import logging
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.stored_state import table_items
from tests.support.tokens import auth

logger = logging.getLogger(__name__)

MIN_REQUESTS = 1000
# Examples per operation and generation mode: with a token (past authentication, where the work is)
# and without one (every protected operation must still answer as described).
EXAMPLES_SIGNED_IN = 120
EXAMPLES_ANONYMOUS = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
POSITIVE = schemathesis.GenerationMode.POSITIVE
NEGATIVE = schemathesis.GenerationMode.NEGATIVE
CONVERSATION = "/api/messages/{message_group_uuid}"
SCHEMA_VALID_BUT_REFUSABLE = {
    # Well-formed bodies can still be refused with 422: unknown handle, messaging yourself, blank text.
    ("/api/messages", "post"),
    # And an edit: blank text, the window closed, the message deleted.
    ("/api/messages/{message_group_uuid}/{message_uuid}", "patch"),
}


@pytest.fixture
def wsgi_app():
    """The app as a WSGI server runs it, but keeping the test's database connection open between
    requests (the test runs in a transaction), as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def schema(openapi, wsgi_app):
    # `openapi` first: a request through Django's test client reconnects the signals `wsgi_app` disconnects.
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = wsgi_app
    return schema


def fuzz(strategy, headers: dict, examples: int, excluded_checks: list) -> int:
    """Send up to `examples` generated requests and check each answer; the number actually sent."""
    sent = 0

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=examples, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much],
    )
    def run(case):
        nonlocal sent
        cache.clear()  # throttle counters: this run is about inputs, not the request rate
        response = case.call(headers=headers)
        sent += 1
        excluded = list(excluded_checks)
        if case.query and {"before", "after"} & set(case.query):
            excluded.append(positive_data_acceptance)  # a well-formed cursor can still be one we never issued
        case.validate_response(response, checks=CHECKS, headers=headers, excluded_checks=excluded)

    run()
    return sent


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_generated_requests_get_no_5xx_and_answers_match_the_schema(schema, app_ddb, alice, bob):
    signed_in = {"Authorization": auth(alice)["HTTP_AUTHORIZATION"]}
    send = schema["/api/messages"]["POST"]
    sent = send.Case(body={"message": "Hello bob", "handle": "bob"}, media_type="application/json")
    conversation = sent.call(headers=signed_in).json()["message_group_uuid"]
    ddb_client, table = app_ddb
    counts = Counter()
    for mode in (POSITIVE, NEGATIVE):
        items_before = table_items(ddb_client, table)
        for result in schema.get_all_operations():
            operation = result.ok()
            if mode is NEGATIVE and not (operation.query or operation.path_parameters or operation.body):
                continue  # nothing to send wrong (the health check)
            excluded = []
            if (operation.path, operation.method) in SCHEMA_VALID_BUT_REFUSABLE:
                excluded.append(positive_data_acceptance)
            if operation.path == "/api/events":
                # The schema describes each event's `data` as the JSON it carries; OpenAPI 3.0 has no way to say
                # that an event-stream `data:` line is JSON text, so the checker would compare the raw text.
                # tests/api/test_events.py checks every event's data against the event serializers instead.
                excluded.append(response_schema_conformance)
            if (operation.path, operation.method) == (f"{CONVERSATION}/read", "post"):
                # A time matching the pattern can still be no date (30 February): 422 up_to_invalid.
                excluded.append(positive_data_acceptance)
            strategies = {"generated": operation.as_strategy(generation_mode=mode)}
            if operation.path == CONVERSATION:
                # Also the real conversation, so its 200 answers are checked too.
                strategies["real conversation"] = operation.as_strategy(
                    generation_mode=mode, path_parameters={"message_group_uuid": conversation}
                )
            for what, strategy in strategies.items():
                for who, headers, examples in [("alice", signed_in, EXAMPLES_SIGNED_IN),
                                               ("anonymous", {}, EXAMPLES_ANONYMOUS)]:
                    counts[operation.label, mode.value, what, who] += fuzz(strategy, headers, examples, excluded)
        if mode is NEGATIVE:
            assert table_items(ddb_client, table) == items_before, "a request the schema forbids wrote to the table"

    total = sum(counts.values())
    breakdown = "\n".join(f"{count:5} {' '.join(key)}" for key, count in sorted(counts.items()))
    logger.info("%d generated requests:\n%s", total, breakdown)
    assert total >= MIN_REQUESTS, f"only {total} generated requests:\n{breakdown}"
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert {label for (label, *_), count in counts.items() if count} == operations, breakdown


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_contract_answers_match_the_schema(schema, app_ddb, alice, bob):
    """The old client's own requests, each answer checked against the schema."""
    headers = {"Authorization": auth(alice)["HTTP_AUTHORIZATION"]}

    def call(path, method, expected_status, **request):
        case = schema[path][method].Case(**request)
        response = case.call(headers=headers)
        assert response.status_code == expected_status, response.text
        case.validate_response(response, checks=CHECKS, headers=headers)
        return response.json()

    sent = call("/api/messages", "POST", 200, body={"message": "Hello bob", "handle": "bob"},
                media_type="application/json")
    group = sent["message_group_uuid"]
    call("/api/messages", "POST", 200, body={"message": "More", "message_group_uuid": group},
         media_type="application/json")
    assert len(call(CONVERSATION, "GET", 200, path_parameters={"message_group_uuid": group},
                    query={"limit": 1})) == 1
    assert call("/api/message_groups", "GET", 200)[0]["uuid"] == group
    call("/api/users/@{handle}/short", "GET", 200, path_parameters={"handle": "bob"})
    call("/api/users/@{handle}/short", "GET", 404, path_parameters={"handle": "nobody"})
    call("/api/messages", "POST", 422, body={"message": ""}, media_type="application/json")
    call(CONVERSATION, "GET", 404, path_parameters={"message_group_uuid": str(bob.uuid)})
