import subprocess
import sys

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from tests.support.settings_process import PROJECT, suite_free_env
from users.models import User
from users.seed import DEFAULT_SEED_PASSWORD, SEED_USERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded_default(settings):
    """The demo users' published password is for the embedded default; the suite may run on CI's Postgres."""
    settings.EMBEDDED_DEFAULT = True


def test_seed_users_creates_the_demo_users_once(capsys, embedded_default):
    call_command("seed_users")
    first = {u.handle: (u.uuid, u.password) for u in User.objects.all()}
    assert set(first) == {s.handle for s in SEED_USERS}
    assert User.objects.get_by_handle("gakar").display_name == "Citizen Gakar"
    call_command("seed_users")
    second = {u.handle: (u.uuid, u.password) for u in User.objects.all()}
    assert second == first
    assert "0 created, 7 already present" in capsys.readouterr().out


def test_seed_users_log_in_with_the_documented_password(embedded_default):
    call_command("seed_users")
    assert authenticate(username="andrewbrown", password=DEFAULT_SEED_PASSWORD) is not None


def test_outside_the_embedded_default_the_published_password_needs_the_flag(settings, monkeypatch):
    settings.EMBEDDED_DEFAULT = False
    monkeypatch.delenv("SEED_USER_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="published password outside the embedded default"):
        call_command("seed_users")
    assert not User.objects.exists()

    call_command("seed_users", "--allow-demo-password")
    assert authenticate(username="andrewbrown", password=DEFAULT_SEED_PASSWORD) is not None


@pytest.mark.parametrize("how", ["--password", "SEED_USER_PASSWORD"])
def test_outside_the_embedded_default_demo_users_may_get_a_password_of_their_own(settings, monkeypatch, how):
    settings.EMBEDDED_DEFAULT = False
    if how == "--password":
        call_command("seed_users", "--password", "not-the-readme-one-42")
    else:
        monkeypatch.setenv("SEED_USER_PASSWORD", "not-the-readme-one-42")
        call_command("seed_users")

    assert authenticate(username="andrewbrown", password="not-the-readme-one-42") is not None
    assert authenticate(username="andrewbrown", password=DEFAULT_SEED_PASSWORD) is None


def test_a_deployment_gets_no_demo_users_with_the_published_password(tmp_path):
    """As an operator runs it: a DATABASE_URL (and its own SECRET_KEY) makes the configuration a deployment."""
    env = suite_free_env({"DATABASE_URL": f"sqlite:///{tmp_path / 'users.sqlite3'}", "SECRET_KEY": "s" * 50})
    env.pop("SEED_USER_PASSWORD", None)

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True,
                              text=True, timeout=120)

    assert manage("migrate", "--no-input").returncode == 0
    refused = manage("seed_users")
    allowed = manage("seed_users", "--allow-demo-password")

    assert refused.returncode != 0
    assert "published password outside the embedded default" in refused.stderr
    assert "--allow-demo-password" in refused.stderr
    assert f"{len(SEED_USERS)} created" in allowed.stdout, allowed.stderr
