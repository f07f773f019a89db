"""Secrets come from the environment only: no key, password or token is written into the settings
or committed anywhere, and the built-in development key is used only on the embedded default."""
import ast
import re
import subprocess
from pathlib import Path

import pytest

from tests.support.settings_process import PRODUCTION, read_settings, run_python

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS = PROJECT / "cruddur" / "settings.py"
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|CREDENTIAL|_KEY$|^KEY$", re.I)
DEV_KEY_NAME = "_DEV_SECRET_KEY"


def string_assignments(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value.value


def looks_random(text: str) -> bool:
    """A long single word mixing three of: lower case, upper case, digits, symbols (keys, tokens)."""
    if len(text) < 20 or re.search(r"\s", text):
        return False
    classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9._/:-]"]
    return sum(bool(re.search(pattern, text)) for pattern in classes) >= 3


def test_the_only_secret_literal_in_the_settings_is_the_development_key():
    named = {name: value for name, value in string_assignments(ast.parse(SETTINGS.read_text()))
             if SECRET_NAME.search(name)}
    assert list(named) == [DEV_KEY_NAME]
    assert "insecure" in named[DEV_KEY_NAME] and "never-use-in-production" in named[DEV_KEY_NAME]


def test_no_key_like_string_anywhere_in_the_settings():
    literals = [node.value for node in ast.walk(ast.parse(SETTINGS.read_text()))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    assert [text for text in literals if looks_random(text)] == []
    assert looks_random(PRODUCTION["SECRET_KEY"])  # the check itself recognises a real key


def test_no_cloud_keys_or_private_keys_are_committed():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    leaks = re.compile(rb"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----")
    found = [name for name in tracked.decode().split("\0")
             if name and (PROJECT / name).is_file() and leaks.search((PROJECT / name).read_bytes())]
    assert found == []


def test_without_a_secret_key_the_development_key_comes_with_debug_on():
    values = read_settings({}, "DEBUG", "SECRET_KEY")
    assert values["DEBUG"] == "True"
    assert "dev-only-insecure" in values["SECRET_KEY"]


def test_a_configured_secret_key_is_used_even_in_debug_mode():
    values = read_settings({**PRODUCTION, "DEBUG": "true"}, "DEBUG", "SECRET_KEY")
    assert values == {"DEBUG": "True", "SECRET_KEY": PRODUCTION["SECRET_KEY"]}


# Each alone makes a configuration a deployment, where the public development key must never sign anything.
DEPLOYMENT_SIGNS = {
    "DATABASE_URL": "postgres://cruddur:pw@db.internal:5432/cruddur",
    "ALLOWED_HOSTS": "messages.cruddur.example",
    "AWS_ENDPOINT_URL": "https://dynamodb.us-east-1.amazonaws.com",
    "AWS_COGNITO_USER_POOL_ID": "us-east-1_AbCdEfGhI",
}
START_THE_APP = "from cruddur.wsgi import application"  # what gunicorn does first


@pytest.mark.parametrize("sign", sorted(DEPLOYMENT_SIGNS))
def test_a_deployment_without_a_secret_key_does_not_start(sign):
    result = run_python(START_THE_APP, {sign: DEPLOYMENT_SIGNS[sign]})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: SECRET_KEY must be set to a secret of this deployment ({sign} set)" in result.stderr


@pytest.mark.parametrize("key_setting", [
    {"SECRET_KEY": ""}, {"SECRET_KEY": "   "}, {"DEBUG": "true"},
    {"SECRET_KEY": "dev-only-insecure-secret-key-for-the-embedded-default-never-use-in-production"},
], ids=["empty", "blank", "debug-asked-for", "the-development-key"])
def test_a_deployment_gets_no_development_key_however_asked(key_setting):
    result = run_python(START_THE_APP, {**PRODUCTION, "SECRET_KEY": "", **key_setting})

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a secret of this deployment (DATABASE_URL, ALLOWED_HOSTS set)" in result.stderr


def test_loopback_hosts_and_dynamodb_local_are_still_the_embedded_default():
    values = read_settings({"ALLOWED_HOSTS": "localhost,127.0.0.1", "AWS_ENDPOINT_URL": "http://127.0.0.1:8001"},
                           "DEBUG", "EMBEDDED_DEFAULT", "SECRET_KEY")
    assert values["DEBUG"] == "True" and values["EMBEDDED_DEFAULT"] == "True"
    assert "dev-only-insecure" in values["SECRET_KEY"]


def test_debug_is_off_by_default_in_a_deployment():
    assert read_settings(PRODUCTION, "DEBUG", "EMBEDDED_DEFAULT") == {"DEBUG": "False", "EMBEDDED_DEFAULT": "False"}
