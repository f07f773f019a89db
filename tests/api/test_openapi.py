"""The OpenAPI schema is valid, describes every endpoint truthfully, and the API's answers match it:
Schemathesis generates requests from the schema (valid and invalid ones), sends them through the
WSGI app, and checks every answer against the schema (status, body, headers, content type)."""
import re

import pytest
import schemathesis
import yaml
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import auth

EXPECTED_OPERATIONS = {
    ("/api/health-check", "get"),
    ("/api/auth/token", "post"),
    ("/api/users/@{handle}/short", "get"),
    ("/api/message_groups", "get"),
    ("/api/messages", "post"),
    ("/api/messages/{message_group_uuid}", "get"),
}
PUBLIC = {("/api/health-check", "get"), ("/api/auth/token", "post")}


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
def openapi(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    return {(path, method): operation for path, item in document["paths"].items() for method, operation in item.items()}


def test_schema_is_valid_openapi_3(client, openapi):
    assert openapi["openapi"].startswith("3.")
    validate_schema(openapi)
    as_yaml = client.get("/api/schema/")
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content) == openapi


def test_every_endpoint_is_described(openapi):
    assert set(operations(openapi)) == EXPECTED_OPERATIONS


def test_authentication_and_its_errors_are_described(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": schemes["bearerAuth"]["description"]
    }
    for key, operation in operations(openapi).items():
        if key in PUBLIC:
            assert operation.get("security") in (None, [], [{}]), key
            continue
        assert {"bearerAuth": []} in operation["security"], key
        assert {"401", "403", "429"} <= set(operation["responses"]), key
        assert "Retry-After" in operation["responses"]["429"]["headers"], key


def test_bare_arrays_and_error_codes_are_described(openapi):
    ops = operations(openapi)
    for key in [("/api/message_groups", "get"), ("/api/messages/{message_group_uuid}", "get")]:
        ok = ops[key]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["type"] == "array"
        assert "Link" in ok["headers"]
    send = ops[("/api/messages", "post")]["responses"]
    assert set(send) >= {"200", "404", "413", "422", "503"}
    assert "201" not in send
    codes = send["422"]["content"]["application/json"]["schema"]["items"]["enum"]
    assert {"message_blank", "message_exceed_max_chars", "message_group_uuid_blank", "user_reciever_handle_blank",
            "user_reciever_handle_not_found", "message_to_self", "body_not_json"} <= set(codes)
    sent = openapi["components"]["schemas"]["SentMessage"]
    assert list(sent["properties"]) == ["message_group_uuid", "uuid", "display_name", "handle", "message",
                                        "created_at"]


def test_swagger_ui_is_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"
    assert "/api/schema/" in html
    assert "cdn" not in html.lower()


def _fuzz(strategy, headers, excluded_checks=(), examples=25):
    @given(case=strategy)
    @hypothesis_settings(
        max_examples=examples, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.filter_too_much],
    )
    def run(case):
        response = case.call(headers=headers)
        excluded = list(excluded_checks)
        if case.query and {"before", "after"} & set(case.query):
            excluded.append(positive_data_acceptance)  # a well-formed cursor can still be one we never issued
        case.validate_response(response, headers=headers, excluded_checks=excluded)

    run()


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_answers_match_the_schema_for_generated_requests(openapi, wsgi_app, app_ddb, alice, bob, mode):
    headers = {"Authorization": auth(alice)["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = wsgi_app
    # Through the WSGI app too: Django's test client would reconnect the connection-closing signals.
    sent = schema["/api/messages"]["POST"].Case(body={"message": "Hello bob", "handle": "bob"},
                                                media_type="application/json").call(headers=headers).json()
    for result in schema.get_all_operations():
        operation = result.ok()
        if mode is schemathesis.GenerationMode.NEGATIVE and not (
            operation.query or operation.path_parameters or operation.body
        ):
            continue  # nothing to send wrong (the health check)
        excluded = []
        if (operation.path, operation.method) == ("/api/messages", "post"):
            # Well-formed bodies can still be refused with 422: unknown handle, messaging yourself.
            excluded.append(positive_data_acceptance)
        _fuzz(operation.as_strategy(generation_mode=mode), headers, excluded)
        if operation.path == "/api/messages/{message_group_uuid}":
            # Also read the real conversation, so its 200 answers are checked too.
            strategy = operation.as_strategy(
                generation_mode=mode, path_parameters={"message_group_uuid": sent["message_group_uuid"]}
            )
            _fuzz(strategy, headers, excluded)


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_contract_answers_match_the_schema(openapi, wsgi_app, app_ddb, alice, bob):
    """The old client's own requests, each answer checked against the schema."""
    schema = schemathesis.openapi.from_dict(openapi)
    schema.app = wsgi_app
    headers = {"Authorization": auth(alice)["HTTP_AUTHORIZATION"]}

    def call(path, method, expected_status, **request):
        case = schema[path][method].Case(**request)
        response = case.call(headers=headers)
        assert response.status_code == expected_status, response.text
        case.validate_response(response, headers=headers)
        return response.json()

    sent = call("/api/messages", "POST", 200, body={"message": "Hello bob", "handle": "bob"},
                media_type="application/json")
    group = sent["message_group_uuid"]
    call("/api/messages", "POST", 200, body={"message": "More", "message_group_uuid": group},
         media_type="application/json")
    assert len(call("/api/messages/{message_group_uuid}", "GET", 200, path_parameters={"message_group_uuid": group},
                    query={"limit": 1})) == 1
    assert call("/api/message_groups", "GET", 200)[0]["uuid"] == group
    call("/api/users/@{handle}/short", "GET", 200, path_parameters={"handle": "bob"})
    call("/api/users/@{handle}/short", "GET", 404, path_parameters={"handle": "nobody"})
    call("/api/messages", "POST", 422, body={"message": ""}, media_type="application/json")
    call("/api/messages/{message_group_uuid}", "GET", 404, path_parameters={"message_group_uuid": str(bob.uuid)})
