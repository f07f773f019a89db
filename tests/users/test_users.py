import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.support.users import PASSWORD, make_user
from users.models import User

pytestmark = pytest.mark.django_db


def test_handle_is_unique_case_insensitively():
    make_user("Gakar")
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        make_user("gakar", email="other@example.com")


def test_lookup_by_handle_ignores_case():
    user = make_user("Gakar", display_name="Citizen Gakar")
    assert User.objects.get_by_handle("GAKAR") == user


@pytest.mark.parametrize(
    ("handle", "code"),
    [
        ("two words", "handle_has_space"),
        ("at@sign", "handle_has_at"),
        ("x" * 33, "handle_too_long"),
        ("slash/dot.", "handle_invalid"),
    ],
)
def test_invalid_handles_are_refused_with_a_clear_error(handle, code):
    with pytest.raises(ValidationError) as excinfo:
        make_user(handle, email="someone@example.com")
    assert code in [e.code for e in excinfo.value.error_dict["handle"]]
    assert not User.objects.exists()


def test_blank_cognito_ids_do_not_collide():
    make_user("one", cognito_user_id="")
    make_user("two", cognito_user_id="")
    assert User.objects.filter(cognito_user_id__isnull=True).count() == 2


def test_user_has_a_stable_uuid():
    user = make_user("gakar")
    assert User.objects.get(uuid=user.uuid) == user


def test_login_by_handle_or_email_any_case(client):
    make_user("Gakar", email="Gakar@Example.com")
    from django.contrib.auth import authenticate

    assert authenticate(username="gakar", password=PASSWORD).handle == "Gakar"
    assert authenticate(username="@GAKAR", password=PASSWORD).handle == "Gakar"
    assert authenticate(username="gakar@example.com", password=PASSWORD).handle == "Gakar"
    assert authenticate(username="gakar", password="wrong") is None
    assert authenticate(username="nobody", password=PASSWORD) is None
