"""The Cognito user pool as the users app sees it: reading its users and linking them to rows."""
import logging
from dataclasses import dataclass, field

import boto3
from botocore.config import Config
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from users.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolUser:
    username: str
    sub: str
    preferred_username: str | None
    email: str | None
    name: str | None
    status: str | None


@dataclass
class SyncReport:
    changed: list[tuple[str, str | None, str]] = field(default_factory=list)  # handle, old id, new id
    unchanged: list[str] = field(default_factory=list)  # handles
    no_match: list[PoolUser] = field(default_factory=list)
    conflicts: list[tuple[PoolUser, str]] = field(default_factory=list)  # pool user, handle already holding the sub


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
    )


def list_pool_users(client, user_pool_id: str) -> list[PoolUser]:
    """Every user of the pool; Cognito returns at most 60 a page, the paginator follows the tokens."""
    users = []
    for page in client.get_paginator("list_users").paginate(UserPoolId=user_pool_id):
        users.extend(_pool_user(raw) for raw in page["Users"])
    return users


@transaction.atomic
def sync_user_ids(pool_users: list[PoolUser]) -> SyncReport:
    """Set `cognito_user_id` = `sub` on the user whose handle is the pool user's `preferred_username`."""
    report = SyncReport()
    for pool_user in pool_users:
        user = None
        if pool_user.preferred_username:
            user = User.objects.filter(handle__iexact=pool_user.preferred_username).first()
        if user is None:
            report.no_match.append(pool_user)
            continue
        if user.cognito_user_id == pool_user.sub:
            report.unchanged.append(user.handle)
            continue
        holder = User.objects.filter(cognito_user_id=pool_user.sub).exclude(pk=user.pk).first()
        if holder is not None:
            # The id is unique: moving it silently would unlink someone else.
            report.conflicts.append((pool_user, holder.handle))
            continue
        report.changed.append((user.handle, user.cognito_user_id, pool_user.sub))
        user.cognito_user_id = pool_user.sub
        user.save(update_fields=["cognito_user_id"])
    return report


class ConfirmedUserConflict(Exception):
    """The confirmed user's handle belongs to a different Cognito user."""


@transaction.atomic
def create_confirmed_user(attributes: dict) -> tuple[User, bool]:
    """The row for a user Cognito just confirmed; (user, created). A retried call finds the first row."""
    sub = attributes["sub"]
    existing = User.objects.select_for_update().filter(cognito_user_id=sub).first()
    if existing is not None:
        return existing, False
    handle = attributes["preferred_username"]
    same_handle = User.objects.select_for_update().filter(handle__iexact=handle).first()
    if same_handle is not None:
        if same_handle.cognito_user_id:
            raise ConfirmedUserConflict(f"handle @{handle} is linked to another Cognito user")
        # A row made before the pool knew the user (seed, admin): link it as sync-user-ids would.
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
