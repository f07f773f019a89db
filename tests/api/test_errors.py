"""Every error under /api/ is JSON, never an HTML page; outside /api/ Django's pages stay."""
import pytest
from django.test import Client

from tests.support.tokens import auth

HTML_ACCEPT = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


def assert_json_error(response, status: int):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.parametrize("path", ["/api/nope", "/api/messages/a/b", "/api/users/bob/short", "/api/"])
def test_unknown_api_paths_are_json_404(client, path):
    assert assert_json_error(client.get(path, **HTML_ACCEPT), 404) == {"detail": "Not found."}


def test_unknown_pages_outside_the_api_stay_html(client):
    response = client.get("/no-such-page", **HTML_ACCEPT)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method,path", [
    ("get", "/api/messages"),
    ("delete", "/api/message_groups"),
    ("put", "/api/messages/7a7b6d38-9a4c-4a2e-8f0e-2c1f3a4b5c6d"),
    ("post", "/api/health-check"),
    ("get", "/api/auth/token"),
])
def test_wrong_method_is_json_405(client, alice, method, path):
    response = getattr(client, method)(path, **auth(alice), **HTML_ACCEPT)
    assert "not allowed" in assert_json_error(response, 405)["detail"]


def test_unknown_user_is_json_404(client, alice):
    assert assert_json_error(client.get("/api/users/@nobody/short", **auth(alice)), 404) == {"detail": "Not found."}


def test_oversized_body_is_json_413(client, alice, settings):
    body = '{"message": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '", "handle": "bob"}'
    response = client.post("/api/messages", body, content_type="application/json", **auth(alice))
    assert assert_json_error(response, 413) == {"detail": "Request body too large."}


def test_oversized_token_request_is_json_413(client, settings):
    body = '{"username": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '", "password": "p"}'
    response = client.post("/api/auth/token", body, content_type="application/json")
    assert_json_error(response, 413)


@pytest.mark.parametrize("body", ["not json", '{"message": ', "\xff\xfe", '{"message": NaN}'])
def test_non_json_body_is_422(client, alice, body):
    response = client.post("/api/messages", body, content_type="application/json", **auth(alice))
    assert assert_json_error(response, 422) == ["body_not_json"]


@pytest.mark.parametrize("body", ["[]", '"hello"', "42", "null"])
def test_body_that_is_not_an_object_is_422(client, alice, body):
    response = client.post("/api/messages", body, content_type="application/json", **auth(alice))
    assert assert_json_error(response, 422) == ["body_invalid"]


def test_form_encoded_body_is_json_415(client, alice):
    response = client.post("/api/messages", {"message": "hi", "handle": "bob"}, **auth(alice))
    assert "Unsupported media type" in assert_json_error(response, 415)["detail"]


def test_bad_host_is_json_400(client):
    assert assert_json_error(client.get("/api/health-check", HTTP_HOST="evil.example"), 400) == {
        "detail": "Bad request."
    }


def test_unexpected_failure_is_json_500(alice, monkeypatch):
    from users import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "user_short", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/users/@bob/short", **auth(alice), **HTML_ACCEPT)
    assert assert_json_error(response, 500) == {"detail": "Internal server error."}


def test_unreachable_dynamodb_is_503_with_retry_after(client, alice, bob, settings):
    from messaging import ddb

    # Nothing listens on port 9 (discard) of the loopback; one quick attempt.
    settings.AWS_ENDPOINT_URL = "http://127.0.0.1:9"
    settings.DDB_CONNECT_TIMEOUT = 0.5
    settings.DDB_READ_TIMEOUT = 0.5
    settings.DDB_MAX_ATTEMPTS = 1
    try:
        for request in (
            lambda: client.get("/api/message_groups", **auth(alice)),
            lambda: client.post("/api/messages", {"message": "hi", "handle": "bob"}, content_type="application/json",
                                **auth(alice)),
            lambda: client.get("/api/message_groups/unread", **auth(alice)),
            lambda: client.post("/api/messages/0b0e8f3c-1111-4111-8111-111111111111/read", {},
                                content_type="application/json", **auth(alice)),
            lambda: client.post("/api/messages/0b0e8f3c-1111-4111-8111-111111111111/mute", **auth(alice)),
        ):
            response = request()
            assert "unavailable" in assert_json_error(response, 503)["detail"]
            assert int(response["Retry-After"]) >= 1
    finally:
        ddb.reset()


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_a_dynamodb_validation_error_is_a_logged_503_never_a_500(alice, app_ddb, monkeypatch, caplog):
    """Whatever DynamoDB refuses as invalid (client input is checked before) is the app's fault: 503, logged."""
    from botocore.exceptions import ClientError

    from messaging import ddb

    def refuse(**kwargs):
        error = {"Code": "ValidationException", "Message": "Aggregated size of all range keys has exceeded the size"
                 " limit of 1024 bytes"}
        raise ClientError({"Error": error}, "Query")

    monkeypatch.setattr(ddb.get_store().client, "query", refuse)
    response = Client(raise_request_exception=False).get("/api/message_groups", **auth(alice))
    assert "unavailable" in assert_json_error(response, 503)["detail"]
    assert int(response["Retry-After"]) >= 1
    assert any(record.levelname == "ERROR" and "ValidationException" in record.getMessage()
               for record in caplog.records)


def test_any_accept_header_gets_json_never_406(client, alice):
    for accept in ("text/html", "application/xml", "image/png"):
        response = client.get("/api/users/@alice/short", HTTP_ACCEPT=accept, **auth(alice))
        assert response.status_code == 200
        assert response.json()["handle"] == "alice"
