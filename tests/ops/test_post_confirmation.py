"""The Cognito post-confirmation trigger, called with the event Cognito sends."""
import copy
import uuid

import pytest

from users.cognito import ConfirmedUserConflict
from users.models import User
from users.triggers import lambda_handler

pytestmark = pytest.mark.django_db


def confirmation_event(sub, handle="mando", email="mando@cruddur.example", name="Din Djarin",
                       trigger="PostConfirmation_ConfirmSignUp"):
    return {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": "us-east-1_AbCdEfGhI",
        "userName": sub,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "1example23456789"},
        "triggerSource": trigger,
        "request": {
            "userAttributes": {
                "sub": sub,
                "email_verified": "true",
                "cognito:user_status": "CONFIRMED",
                "cognito:email_alias": email,
                "name": name,
                "preferred_username": handle,
                "email": email,
            }
        },
        "response": {},
    }


def test_confirmation_creates_the_user_row_and_returns_the_event():
    sub = str(uuid.uuid4())
    event = confirmation_event(sub)

    result = lambda_handler(copy.deepcopy(event), None)

    assert result == event
    user = User.objects.get(cognito_user_id=sub)
    assert (user.handle, user.email, user.display_name) == ("mando", "mando@cruddur.example", "Din Djarin")
    assert not user.has_usable_password()


def test_a_retried_confirmation_changes_nothing():
    sub = str(uuid.uuid4())
    lambda_handler(confirmation_event(sub), None)
    first = User.objects.get(cognito_user_id=sub)

    result = lambda_handler(confirmation_event(sub, name="Someone Else"), None)

    assert result["request"]["userAttributes"]["sub"] == sub
    assert User.objects.count() == 1
    assert User.objects.get(cognito_user_id=sub).display_name == first.display_name == "Din Djarin"


def test_an_existing_unlinked_row_with_that_handle_is_linked_not_duplicated():
    User.objects.create_user("Mando", "mando@cruddur.example", "pw-not-used-here", display_name="Mando")
    sub = str(uuid.uuid4())

    lambda_handler(confirmation_event(sub, handle="mando"), None)

    assert User.objects.count() == 1
    assert User.objects.get(handle="Mando").cognito_user_id == sub


def test_a_handle_linked_to_another_cognito_user_is_refused():
    User.objects.create_user("mando", "other@cruddur.example", None, cognito_user_id=str(uuid.uuid4()))

    with pytest.raises(ConfirmedUserConflict, match="linked to another Cognito user"):
        lambda_handler(confirmation_event(str(uuid.uuid4())), None)

    assert User.objects.count() == 1


def test_a_confirmed_password_reset_creates_nobody():
    event = confirmation_event(str(uuid.uuid4()), trigger="PostConfirmation_ConfirmForgotPassword")

    assert lambda_handler(copy.deepcopy(event), None) == event
    assert not User.objects.exists()
