"""The OpenAPI schema is valid and describes every endpoint, its authentication and its errors;
tests/api/test_fuzz.py checks the API's answers against it."""
import re

import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

EXPECTED_OPERATIONS = {
    ("/api/health-check", "get"),
    ("/api/health/ready", "get"),
    ("/api/auth/token", "post"),
    ("/api/users/@{handle}/short", "get"),
    ("/api/message_groups", "get"),
    ("/api/messages", "post"),
    ("/api/messages/{message_group_uuid}", "get"),
    ("/api/users/@{handle}/block", "post"),
    ("/api/users/@{handle}/block", "delete"),
    ("/api/users/blocked", "get"),
    ("/api/messages/{message_group_uuid}/{message_uuid}", "patch"),
    ("/api/messages/{message_group_uuid}/{message_uuid}", "delete"),
    ("/api/events", "get"),
    ("/api/message_groups/unread", "get"),
    ("/api/messages/{message_group_uuid}/read", "post"),
    ("/api/messages/{message_group_uuid}/mute", "post"),
    ("/api/messages/{message_group_uuid}/mute", "delete"),
}
PUBLIC = {("/api/health-check", "get"), ("/api/health/ready", "get"), ("/api/auth/token", "post")}


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
                                        "created_at", "edited_at", "deleted"]


def test_edit_and_delete_are_described_with_their_codes(openapi):
    ops = operations(openapi)
    edit = ops[("/api/messages/{message_group_uuid}/{message_uuid}", "patch")]
    delete = ops[("/api/messages/{message_group_uuid}/{message_uuid}", "delete")]
    assert set(edit["responses"]) >= {"200", "404", "422", "503"}
    assert set(delete["responses"]) >= {"200", "404", "422", "503"}
    codes = edit["responses"]["422"]["content"]["application/json"]["schema"]["items"]["enum"]
    assert {"message_blank", "message_exceed_max_chars", "message_edit_window_closed", "message_deleted",
            "message_uuid_invalid"} <= set(codes)
    message = openapi["components"]["schemas"]["Message"]["properties"]
    assert message["edited_at"]["nullable"] is True and message["deleted"]["type"] == "boolean"
    assert list(openapi["components"]["schemas"]["DeletedMessage"]["properties"]) == ["uuid", "deleted"]


def test_block_endpoints_and_their_codes_are_described(openapi):
    ops = operations(openapi)
    for method in ("post", "delete"):
        responses = ops[("/api/users/@{handle}/block", method)]["responses"]
        assert set(responses) >= {"200", "404", "422", "503"}
        assert responses["422"]["content"]["application/json"]["schema"]["items"]["enum"] == ["block_self"]
        state = responses["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert list(openapi["components"]["schemas"][state]["properties"]) == ["handle", "blocked"]
    blocked = ops[("/api/users/blocked", "get")]["responses"]["200"]["content"]["application/json"]["schema"]
    assert blocked["type"] == "array"
    send_codes = ops[("/api/messages", "post")]["responses"]["422"]["content"]["application/json"]["schema"]
    assert "message_recipient_unavailable" in send_codes["items"]["enum"]


def test_swagger_ui_is_served_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    # The init script is a file of its own (no inline script, for the Content-Security-Policy).
    [init_script] = [asset for asset in assets if asset.startswith("/api/docs/?")]
    assert "<script>" not in html
    for asset in set(assets) - {init_script}:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"
    script = client.get(init_script)
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    assert "cdn" not in html.lower() + script.content.decode().lower()


def test_the_event_stream_and_its_event_types_are_described(openapi):
    stream = operations(openapi)[("/api/events", "get")]
    assert "Last-Event-ID" in {p["name"] for p in stream["parameters"]}
    ok = stream["responses"]["200"]["content"]
    assert list(ok) == ["text/event-stream"]
    event = openapi["components"]["schemas"]["LiveEvent"]
    assert set(event["properties"]) == {"id", "event", "data"}
    types = openapi["components"]["schemas"]["EventEnum"]["enum"]
    assert types == ["message", "read", "message_updated", "message_deleted"]
    data = openapi["components"]["schemas"]["LiveEventData"]["oneOf"]
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in data} == {"MessageEvent", "ReadEvent", "MessageDeletedEvent"}
    assert stream["responses"]["422"]["content"]["application/json"]["schema"]["items"]["enum"] == [
        "last_event_id_invalid"]
