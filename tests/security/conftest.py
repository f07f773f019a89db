"""Security tests reuse the API suite's users, tokens and fake Cognito pool, and store messages in
moto only: who may read what does not depend on the storage engine (tests/store covers that)."""
import pytest
from moto import mock_aws

from messaging.store import schema
from messaging.store.client import ClientSettings, make_client
from tests.api.conftest import alice, bob, carol, cognito  # noqa: F401


@pytest.fixture
def ddb_backend():
    with mock_aws():
        client = make_client(ClientSettings(region="us-east-1"))
        schema.create_table(client, "cruddur-messages")
        yield client, "cruddur-messages"
