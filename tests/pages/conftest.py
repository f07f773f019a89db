import pytest

from messaging import services
from messaging.recipients import InConversation, ToHandle
from tests.support.users import make_user


@pytest.fixture
def andrew(db):
    return make_user("andrewbrown", email="andrew@example.com", display_name="Andrew Brown")


@pytest.fixture
def bayko(db):
    return make_user("bayko", email="bayko@example.com", display_name="Andrew Bayko")


@pytest.fixture
def londo(db):
    return make_user("londo", email="londo@example.com", display_name="Londo Mollari")


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


@pytest.fixture
def bayko_client(bayko):
    """A second browser, signed in as bayko (the `client` fixture is andrew's)."""
    from django.test import Client

    second = Client()
    second.force_login(bayko)
    return second
