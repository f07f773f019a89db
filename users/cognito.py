"""The Cognito user pool as the users app sees it: reading its users and linking them to rows.

A pool user is linked to an existing row only with proof that it owns the row: the row's email,
verified by the pool. A matching handle alone is no proof: anyone may sign up with any free
`preferred_username`, and the row would hand them its conversations.
"""
import logging
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from users.models import User
from users.validators import validate_handle

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolUser:
    username: str
    sub: str
    preferred_username: str | None
    email: str | None
    name: str | None
    status: str | None
    email_verified: bool = False


@dataclass(frozen=True)
class SyncConflict:
    pool_user: PoolUser
    handle: str  # the row involved: the one already holding the sub, or the one the pool user cannot prove
    reason: str  # SUB_HELD or EMAIL_NOT_PROVEN


SUB_HELD = "sub_held_by_another_user"
EMAIL_NOT_PROVEN = "email_not_proven"


@dataclass
class SyncReport:
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # handle, old id, new id
    unchanged: list[str] = field(default_factory=list)  # handles
    no_match: list[PoolUser] = field(default_factory=list)
    conflicts: list[SyncConflict] = field(default_factory=list)


def owns_row(user: User, *, email: str | None, email_verified: bool) -> bool:
    """Whether a pool user with this email proves to own `user`'s row: the same address, verified by the pool."""
    if not email_verified or not email or not user.email:
        return False
    # Case-insensitive for ASCII addresses only, so no Unicode case folding makes two addresses one.
    return email == user.email or (email.isascii() and user.email.isascii() and email.lower() == user.email.lower())


def make_cognito_client(region: str):
    # AWS_ENDPOINT_URL names the DynamoDB endpoint in this project (often DynamoDB Local);
    # botocore would otherwise send Cognito calls there too.
    return boto3.session.Session().client(
        "cognito-idp",
        config=Config(
            region_name=region,
            connect_timeout=3,
            read_timeout=10,
            retries={"mode": "standard", "total_max_attempts": 3},  # the first attempt included
            ignore_configured_endpoint_urls=True,
        ),
    )


def _pool_user(raw: dict) -> PoolUser:
    attributes = {attribute["Name"]: attribute["Value"] for attribute in raw.get("Attributes", [])}
    return PoolUser(
        username=raw["Username"],
        sub=attributes.get("sub", raw["Username"]),
        preferred_username=attributes.get("preferred_username"),
        email=attributes.get("email"),
        name=attributes.get("name"),
        status=raw.get("UserStatus"),
        email_verified=attributes.get("email_verified") == "true",
    )


def list_pool_users(client, user_pool_id: str) -> list[PoolUser]:
    """Every user of the pool; Cognito returns at most 60 a page, the paginator follows the tokens."""
    users = []
    for page in client.get_paginator("list_users").paginate(UserPoolId=user_pool_id):
        users.extend(_pool_user(raw) for raw in page["Users"])
    return users


@transaction.atomic
def sync_user_ids(pool_users: list[PoolUser]) -> SyncReport:
    """Set `cognito_user_id` = `sub` on the user whose handle is the pool user's `preferred_username`,
    when the pool user proves to own the row (`owns_row`)."""
    report = SyncReport()
    for pool_user in pool_users:
        user = User.objects.with_handle(pool_user.preferred_username or "").first()
        if user is None:
            report.no_match.append(pool_user)
            continue
        if user.cognito_user_id == pool_user.sub:
            report.unchanged.append(user.handle)
            continue
        holder = User.objects.filter(cognito_user_id=pool_user.sub).exclude(pk=user.pk).first()
        if holder is not None:
            # The id is unique: moving it silently would unlink someone else.
            report.conflicts.append(SyncConflict(pool_user, holder.handle, SUB_HELD))
            continue
        if not owns_row(user, email=pool_user.email, email_verified=pool_user.email_verified):
            logger.warning("not linking Cognito user %s to @%s: %s", pool_user.sub, user.handle, EMAIL_NOT_PROVEN)
            report.conflicts.append(SyncConflict(pool_user, user.handle, EMAIL_NOT_PROVEN))
            continue
        report.changed.append((user.handle, user.cognito_user_id, pool_user.sub))
        user.cognito_user_id = pool_user.sub
        user.save(update_fields=["cognito_user_id"])
    return report


class ConfirmedUserConflict(Exception):
    """The confirmed user's handle belongs to someone else: another Cognito user, or a row the sign-up
    cannot prove to own."""


def _refuse(sub: str, handle: str, why: str) -> ConfirmedUserConflict:
    logger.warning("post-confirmation of Cognito user %s refused: handle @%s %s", sub, handle, why)
    return ConfirmedUserConflict(f"handle @{handle} {why}")


@transaction.atomic
def create_confirmed_user(attributes: dict) -> tuple[User, bool]:
    """The row for a user Cognito just confirmed; (user, created). A retried call finds the first row.

    Raises ConfirmedUserConflict when the handle is taken by a row the sign-up cannot claim, and
    ValidationError when `preferred_username` is not a handle; either fails the Lambda, so Cognito
    reports the error to the sign-up, and no row changes.
    """
    sub = attributes["sub"]
    existing = User.objects.select_for_update().filter(cognito_user_id=sub).first()
    if existing is not None:
        return existing, False
    handle = attributes["preferred_username"]
    validate_handle(handle)
    same_handle = User.objects.select_for_update().with_handle(handle).first()
    if same_handle is not None:
        if same_handle.cognito_user_id:
            raise _refuse(sub, handle, "is linked to another Cognito user")
        if not owns_row(same_handle, email=attributes.get("email"),
                        email_verified=attributes.get("email_verified") == "true"):
            raise _refuse(sub, handle, "belongs to a user whose email the sign-up has not proven")
        # A row made before the pool knew the user (seed, admin), whose email the pool verified.
        same_handle.cognito_user_id = sub
        same_handle.save(update_fields=["cognito_user_id"])
        return same_handle, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                handle,
                attributes["email"],
                password=None,  # Cognito checks passwords; the row gets an unusable one.
                display_name=attributes.get("name") or handle,
                cognito_user_id=sub,
            )
    except (IntegrityError, ValidationError):
        # A concurrent retry of the same confirmation may have won the insert.
        winner = User.objects.filter(cognito_user_id=sub).first()
        if winner is None:
            raise
        return winner, False
    logger.info("created user @%s for Cognito user %s", user.handle, sub)
    return user, True
