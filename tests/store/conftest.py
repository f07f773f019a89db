import pytest

from messaging.store.store import MessageStore
from tests.support.store import SteppingClock


@pytest.fixture
def store(ddb_backend):
    client, table = ddb_backend
    return MessageStore(client, table)


@pytest.fixture
def stepping_store(ddb_backend):
    client, table = ddb_backend
    return MessageStore(client, table, clock=SteppingClock())
