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
