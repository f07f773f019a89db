"""The Cognito post-confirmation trigger, called with the event Cognito sends."""
import copy
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError

from users.cognito import ConfirmedUserConflict
from users.models import User
from users.triggers import lambda_handler

pytestmark = pytest.mark.django_db


@pytest.fixture
def warnings_logged(caplog):
    """What users.cognito logs; the handler sits on that logger since django.setup() in the handler
    reconfigures the root logger's handlers (and with them pytest's)."""
    logger = logging.getLogger("users.cognito")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def confirmation_event(sub, handle="mando", email="mando@cruddur.example", name="Din Djarin",
                       trigger="PostConfirmation_ConfirmSignUp", email_verified="true"):
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
                "email_verified": email_verified,
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


def test_an_existing_unlinked_row_with_that_handle_and_the_verified_email_is_linked_not_duplicated():
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


@pytest.mark.parametrize(("email", "email_verified"), [
    ("attacker@evil.example", "true"),  # the pool verified an address, but not the row's
    ("mando@cruddur.example", "false"),  # the row's address, never verified: anyone may type it
])
def test_a_sign_up_that_cannot_prove_it_owns_the_row_with_its_handle_is_refused(warnings_logged, email,
                                                                                 email_verified):
    owner = User.objects.create_user("Mando", "mando@cruddur.example", "pw-not-used-here", display_name="Mando")
    sub = str(uuid.uuid4())

    with pytest.raises(ConfirmedUserConflict, match="has not proven"):
        lambda_handler(confirmation_event(sub, handle="mando", email=email, email_verified=email_verified), None)

    owner.refresh_from_db()
    assert owner.cognito_user_id is None
    assert User.objects.count() == 1
    assert f"post-confirmation of Cognito user {sub} refused: handle @mando" in warnings_logged.text


@pytest.mark.parametrize("look_alike", ["\u017fean", "\u0131ce", "\u017fEAN"])  # long s, dotless i
def test_a_handle_that_case_folds_into_another_is_refused_without_reaching_the_database(db_queries, look_alike):
    # Postgres' UPPER() (behind handle__iexact) folds long s to S and dotless i to I.
    sean = User.objects.create_user("sean", "sean@cruddur.example", None)
    ice = User.objects.create_user("ice", "ice@cruddur.example", None)
    event = confirmation_event(str(uuid.uuid4()), handle=look_alike, email=f"{look_alike}@cruddur.example")

    with db_queries() as queries, pytest.raises(ValidationError):
        lambda_handler(event, None)

    assert queries.non_ascii() == []
    assert list(User.objects.values_list("handle", "cognito_user_id")) == [("ice", None), ("sean", None)]
    assert {sean.pk, ice.pk} == set(User.objects.values_list("pk", flat=True))


def test_a_confirmed_password_reset_creates_nobody():
    event = confirmation_event(str(uuid.uuid4()), trigger="PostConfirmation_ConfirmForgotPassword")

    assert lambda_handler(copy.deepcopy(event), None) == event
    assert not User.objects.exists()
