import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from users.models import User
from users.seed import DEFAULT_SEED_PASSWORD, SEED_USERS

pytestmark = pytest.mark.django_db


def test_seed_users_creates_the_demo_users_once(capsys):
    call_command("seed_users")
    first = {u.handle: (u.uuid, u.password) for u in User.objects.all()}
    assert set(first) == {s.handle for s in SEED_USERS}
    assert User.objects.get_by_handle("gakar").display_name == "Citizen Gakar"
    call_command("seed_users")
    second = {u.handle: (u.uuid, u.password) for u in User.objects.all()}
    assert second == first
    assert "0 created, 7 already present" in capsys.readouterr().out


def test_seed_users_log_in_with_the_documented_password():
    call_command("seed_users")
    assert authenticate(username="andrewbrown", password=DEFAULT_SEED_PASSWORD) is not None
