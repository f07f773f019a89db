"""The demo users of the original Cruddur seed data."""
import os
from dataclasses import dataclass

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


def seed_password() -> str:
    return os.environ.get("SEED_USER_PASSWORD") or DEFAULT_SEED_PASSWORD


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
