"""A DynamoDB Local these tests own (restartable on its port and data dir) and a real gunicorn in front of it.

Not the suite's shared DynamoDB Local: stopping that one would break the other tests.
"""
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.harness import booted, gunicorn
from messaging.store.client import ClientSettings, make_client
from tests.faults.dynamodb import FaultyDynamoDB
from tests.faults.limits import FAST_LIMITS
from tests.faults.servers import TABLE, App, app_env
from tests.support.components import require_ddb_local


@pytest.fixture(scope="package")
def faulty_ddb(tmp_path_factory):
    require_ddb_local()
    ddb = FaultyDynamoDB(tmp_path_factory.mktemp("faults-dynamodb"))
    ddb.start()
    yield ddb
    ddb.shutdown()


@pytest.fixture(scope="package")
def users_dir(faulty_ddb, tmp_path_factory) -> Iterator[Path]:
    """The demo users' SQLite database and our table, made as an operator makes them; shared by every server
    of these tests."""
    with booted(TABLE, tmp_dir=tmp_path_factory.mktemp("faults"), endpoint_url=faulty_ddb.endpoint_url,
                in_process=False) as boot:
        yield boot.data_dir


@pytest.fixture(scope="package")
def table_client(faulty_ddb, users_dir):
    """A boto3 client on our DynamoDB Local, whose table users_dir's boot created."""
    return make_client(ClientSettings(region="us-east-1", endpoint_url=faulty_ddb.endpoint_url))


@pytest.fixture(scope="package")
def fast_app(faulty_ddb, users_dir, table_client):
    """gunicorn (2 workers) on our DynamoDB Local with small client limits; stopped by its pid at the end."""
    with gunicorn(app_env(faulty_ddb.endpoint_url, users_dir, FAST_LIMITS), workers=2) as (process, base_url):
        yield App(process, base_url, FAST_LIMITS, workers=2)


@pytest.fixture
def ddb(faulty_ddb):
    """Our DynamoDB Local, running and answering when the test starts, whatever an earlier test did to it."""
    faulty_ddb.ensure_running()
    yield faulty_ddb
    faulty_ddb.thaw()  # never leave it frozen: stopping it at the end would wait on it
