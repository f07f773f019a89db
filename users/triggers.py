"""Cognito post-confirmation trigger: the Lambda that gives a newly confirmed user a row.

Deployed with the Django project and its settings (DATABASE_URL, SECRET_KEY); Cognito retries a failed
or slow invocation, so a second call for the same `sub` finds the first row and changes nothing. A sign-up
whose handle is taken by a row it cannot prove to own (users.cognito) raises: the confirmation call gets
the error and no row changes.
"""
import logging
import os

import django

logger = logging.getLogger(__name__)

CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp"


def lambda_handler(event, context):
    if event.get("triggerSource") != CONFIRM_SIGN_UP:
        # A confirmed password reset, for one, is not a new user.
        return event
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cruddur.settings")
    django.setup()
    # The ORM can only be imported once Django is set up.
    from users.cognito import create_confirmed_user

    user, created = create_confirmed_user(event["request"]["userAttributes"])
    logger.info("post-confirmation for @%s: %s", user.handle, "created" if created else "already present")
    return event
