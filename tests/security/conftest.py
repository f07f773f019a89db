"""Security tests use the suite's users, tokens and fake Cognito pool (tests/conftest.py), and store messages
in moto only: who may read what does not depend on the storage engine (tests/store covers that)."""
import pytest

from messaging.store import schema
from tests.support.world import make_world


@pytest.fixture
def ddb_backend(moto_client):
    schema.create_table(moto_client, "cruddur-messages")
    return moto_client, "cruddur-messages"


@pytest.fixture
def world(app_ddb, alice, bob, carol):
    return make_world(alice, bob, carol)
