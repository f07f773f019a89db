"""The demo users of the original Cruddur seed data."""
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from users.models import User

# Documented in the README; only ever set when a seed user is first created.
DEFAULT_SEED_PASSWORD = "cruddur-demo-password"


@dataclass(frozen=True)
class SeedUser:
    display_name: str
    handle: str
    email: str


SEED_USERS = (
    SeedUser("Andrew Brown", "andrewbrown", "andrewbrown@cruddur.example"),
    SeedUser("Andrew Bayko", "bayko", "bayko@cruddur.example"),
    SeedUser("Londo Mollari", "londo", "londo@cruddur.example"),
    SeedUser("Sean Ware", "sean", "sean@cruddur.example"),
    SeedUser("Jacob Coleson", "jake", "jake@cruddur.example"),
    SeedUser("Mr Freeze", "ice", "ice@cruddur.example"),
    SeedUser("Citizen Gakar", "Gakar", "gakar@cruddur.example"),
)


ALLOW_DEMO_PASSWORD_FLAG = "--allow-demo-password"


class PublishedPasswordRefused(Exception):
    """Demo users would get the README's password outside the embedded default."""


def seed_password() -> str:
    return os.environ.get("SEED_USER_PASSWORD") or DEFAULT_SEED_PASSWORD


def refuse_published_password(password: str | None, *, allowed: bool) -> None:
    """Raise PublishedPasswordRefused if a missing demo user would be created with the published password
    (`password` None: SEED_USER_PASSWORD or the published one) outside the embedded default, unless
    `allowed`: anyone who reads the README could log in as them."""
    if allowed or settings.EMBEDDED_DEFAULT or (password or seed_password()) != DEFAULT_SEED_PASSWORD:
        return
    if any(not User.objects.with_handle(seed.handle).exists() for seed in SEED_USERS):
        raise PublishedPasswordRefused(
            "Refusing to create demo users with the README's published password outside the embedded default:"
            f" give them another (--password or SEED_USER_PASSWORD) or pass {ALLOW_DEMO_PASSWORD_FLAG}"
        )


@transaction.atomic
def seed_users(password: str | None = None) -> list[User]:
    """Create the demo users that are missing; existing users are left exactly as they are."""
    created = []
    for seed in SEED_USERS:
        if User.objects.with_handle(seed.handle).exists():
            continue
        created.append(
            User.objects.create_user(
                seed.handle, seed.email, password or seed_password(), display_name=seed.display_name
            )
        )
    return created
