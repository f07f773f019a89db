"""What a request too large to parse gets under gunicorn, as the README says: up to gunicorn's limits the
app answers (JSON under /api/); past them gunicorn answers itself, before the app, with a small HTML page."""
import socket

import pytest

from bench.harness import gunicorn, server_env

# gunicorn's defaults (cruddur/gunicorn_conf.py leaves them): the README states these numbers.
REQUEST_LINE_LIMIT = 4094
HEADER_FIELD_LIMIT = 8190


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Nothing here needs DynamoDB or a user: the answers come from URL resolution and gunicorn itself.
    env = server_env("http://127.0.0.1:9", tmp_path_factory.mktemp("limits"), "unused")
    # As deployed (DEBUG off), but plain HTTP on 127.0.0.1.
    env.update({"DEBUG": "false", "SECRET_KEY": "a-test-only-secret-key-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false"})
    with gunicorn(env, workers=1) as (_, base_url):
        yield base_url.removeprefix("http://").split(":")


def raw_get(server, path: str, headers: dict | None = None) -> tuple[int, str, str]:
    """One GET written by hand (HTTP clients refuse such requests); the status, Content-Type and body."""
    host, port = server
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((head + "\r\n").encode("latin1"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.decode("latin1").partition("\r\n\r\n")
    lines = head.split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), fields.get("Content-Type", ""), body


def padded_path(request_line_length: int) -> str:
    fixed = len("GET /api/ HTTP/1.1")
    return "/api/" + "a" * (request_line_length - fixed)


def test_a_long_url_within_gunicorns_limit_is_the_apps_json_answer(server):
    status, content_type, body = raw_get(server, padded_path(REQUEST_LINE_LIMIT))
    assert (status, content_type) == (404, "application/json"), body[:200]


def test_a_url_past_gunicorns_limit_is_gunicorns_html_414(server):
    status, content_type, body = raw_get(server, padded_path(REQUEST_LINE_LIMIT + 1))
    assert (status, content_type) == (414, "text/html")
    assert "URI Too Long" in body


def test_a_header_within_gunicorns_limit_reaches_the_app(server):
    status, content_type, _ = raw_get(server, "/api/nope", {"X-Padding": "a" * (HEADER_FIELD_LIMIT - 20)})
    assert (status, content_type) == (404, "application/json")


def test_a_header_past_gunicorns_limit_is_gunicorns_html_431(server):
    status, content_type, body = raw_get(server, "/api/nope", {"X-Padding": "a" * HEADER_FIELD_LIMIT})
    assert (status, content_type) == (431, "text/html")
    assert "Request Header Fields Too Large" in body
