"""A DynamoDB Local these tests own (restartable on its port and data dir) and a real gunicorn in front of it.

Not the suite's shared DynamoDB Local: stopping that one would break the other tests.
"""
from pathlib import Path

import pytest

from bench.harness import gunicorn, manage
from messaging.ddb_local import DynamoDBLocalError, find_jar, find_java
from messaging.store.client import ClientSettings, make_client
from tests.support.components import require
from tests.faults.dynamodb import FaultyDynamoDB
from tests.faults.limits import FAST_LIMITS
from tests.faults.servers import App, app_env


@pytest.fixture(scope="package")
def users_dir(tmp_path_factory) -> Path:
    """A SQLite database with the demo users, shared by every server of these tests."""
    data_dir = tmp_path_factory.mktemp("faults-data")
    env = app_env("http://127.0.0.1:9", data_dir)  # users need no DynamoDB
    manage(env, "migrate", "--no-input")
    manage(env, "seed_users")
    return data_dir


@pytest.fixture(scope="package")
def faulty_ddb(tmp_path_factory):
    try:
        find_java(), find_jar()
    except DynamoDBLocalError as error:
        require(False, f"DynamoDB Local ({error})")
    ddb = FaultyDynamoDB(tmp_path_factory.mktemp("faults-dynamodb"))
    ddb.start()
    yield ddb
    ddb.shutdown()


@pytest.fixture(scope="package")
def table_client(faulty_ddb, users_dir):
    """A boto3 client on our DynamoDB Local, after creating the table the way an operator does."""
    manage(app_env(faulty_ddb.endpoint_url, users_dir), "ddb", "schema-load")
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
