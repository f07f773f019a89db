"""Secrets come from the environment only: no key, password or token is written into the settings
or committed anywhere, and the built-in development key is used only in debug mode."""
import ast
import re
import subprocess
from pathlib import Path

from tests.support.settings_process import PRODUCTION, read_settings

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
