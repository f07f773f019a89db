"""Security tests reuse the API suite's users, tokens and fake Cognito pool, and store messages in
moto only: who may read what does not depend on the storage engine (tests/store covers that)."""
import pytest

from messaging.store import schema
from tests.api.conftest import alice, bob, carol, cognito  # noqa: F401


@pytest.fixture
def ddb_backend(moto_client):
    schema.create_table(moto_client, "cruddur-messages")
    return moto_client, "cruddur-messages"
