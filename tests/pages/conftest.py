import re

import pytest

from messaging import services
from messaging.recipients import InConversation, ToHandle
from users.models import User

PASSWORD = "pages-test-password"


@pytest.fixture
def andrew(db):
    return User.objects.create_user("andrewbrown", "andrew@example.com", PASSWORD, display_name="Andrew Brown")


@pytest.fixture
def bayko(db):
    return User.objects.create_user("bayko", "bayko@example.com", PASSWORD, display_name="Andrew Bayko")


@pytest.fixture
def londo(db):
    return User.objects.create_user("londo", "londo@example.com", PASSWORD, display_name="Londo Mollari")


@pytest.fixture
def andrew_client(client, andrew):
    client.force_login(andrew)
    return client


@pytest.fixture
def conversation_uuid(app_ddb, andrew, bayko):
    """A conversation andrew started with bayko, who answered."""
    first = services.send_message(sender=andrew, text="Hello Bayko", to=ToHandle("bayko"))
    services.send_message(sender=bayko, text="Hi Andrew", to=InConversation(first.message_group_uuid))
    return first.message_group_uuid


def hidden_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def message_list(html: str) -> str:
    return re.search(r'<ol class="messages" id="messages".*?</ol>', html, re.S).group(0)


def message_texts(html: str) -> list[str]:
    """The texts of the shown messages, oldest first, as they appear in the HTML (escaped)."""
    return re.findall(r'<p class="text">(.*?)</p>', message_list(html), re.S)


def form_errors(html: str) -> list[str]:
    """The errors shown next to the message box."""
    errors = re.search(r'<ul class="errors" id="message-errors"[^>]*>(.*?)</ul>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<li>(.*?)</li>", errors, re.S)]
