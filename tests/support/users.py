"""One way to make a test user, and the one password they all have."""
from django.test import Client

from users.models import User

PASSWORD = "a-long-test-password-1"


def make_user(handle: str, *, email: str | None = None, display_name: str | None = None, password: str = PASSWORD,
              **extra) -> User:
    return User.objects.create_user(handle, email or f"{handle.lower()}@example.org", password,
                                    display_name=handle.title() if display_name is None else display_name, **extra)


def logged_in(client: Client) -> bool:
    """The client's session belongs to a signed-in user."""
    return "_auth_user_id" in client.session


def rename_in_admin(staff_client: Client, user: User, *, handle: str, display_name: str):
    """A staff member renames `user` through the admin's change form; returns the answer (302 when saved)."""
    return staff_client.post(f"/admin/users/user/{user.pk}/change/", {
        "handle": handle, "display_name": display_name, "email": user.email, "bio": user.bio,
        "cognito_user_id": user.cognito_user_id or "", "is_active": "on" if user.is_active else "",
    })
