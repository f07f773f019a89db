import itertools
from datetime import UTC, datetime, timedelta

import pytest

from messaging.store.models import UserRef
from messaging.store.store import MessageStore

ANDREW = UserRef("11111111-1111-4111-8111-111111111111", "andrewbrown", "Andrew Brown")
BAYKO = UserRef("22222222-2222-4222-8222-222222222222", "bayko", "Andrew Bayko")
LONDO = UserRef("33333333-3333-4333-8333-333333333333", "londo", "Londo Mollari")


class SteppingClock:
    """A clock that moves one millisecond per reading, so tests control time exactly."""

    def __init__(self, start=datetime(2026, 11, 24, 12, 0, tzinfo=UTC)):
        self._ticks = itertools.count()
        self.start = start

    def __call__(self):
        return self.start + timedelta(milliseconds=next(self._ticks))


@pytest.fixture
def store(ddb_backend):
    client, table = ddb_backend
    return MessageStore(client, table)


@pytest.fixture
def stepping_store(ddb_backend):
    client, table = ddb_backend
    return MessageStore(client, table, clock=SteppingClock())
