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
                                        "created_at"]


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
