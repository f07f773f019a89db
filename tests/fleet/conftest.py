"""Two app instances that share what a fleet shares: one redis-server of these tests (a free port, nothing on
disk), the suite's DynamoDB Local, and one SQLite user database file. Each is a real gunicorn on 127.0.0.1,
stopped by its pid; the redis-server too."""
import shutil
from pathlib import Path

import pytest
import redis

from bench.harness import RedisServer, gunicorn, manage
from messaging.store.client import ClientSettings, make_client
from tests.faults.servers import App, app_env
from tests.support.components import require
from tests.support.fleet import fleet_env


@pytest.fixture(scope="package")
def redis_binary():
    require(shutil.which("redis-server") is not None, "redis-server")


@pytest.fixture(scope="package")
def shared_redis(redis_binary, tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("fleet-redis")) as server:
        yield server


@pytest.fixture
def own_redis(redis_binary, tmp_path):
    """A redis-server of the test's own, which the test may kill or freeze."""
    with RedisServer(tmp_path) as server:
        yield server


@pytest.fixture(scope="package")
def users_dir(ddb_local_server, tmp_path_factory) -> Path:
    """One SQLite file with the demo users, and the table on the suite's DynamoDB Local."""
    data_dir = tmp_path_factory.mktemp("fleet-data")
    env = app_env(ddb_local_server.endpoint_url, data_dir)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_users")
    manage(env, "ddb", "schema-load")
    return data_dir


@pytest.fixture(scope="package")
def table_client(ddb_local_server):
    return make_client(ClientSettings(region="us-east-1", endpoint_url=ddb_local_server.endpoint_url))


@pytest.fixture(scope="package")
def fleet(ddb_local_server, users_dir, shared_redis):
    """Two gunicorns (one worker each) on two ports, on the same Redis, DynamoDB Local and user database."""
    env = fleet_env(ddb_local_server.endpoint_url, users_dir, shared_redis.url)
    with gunicorn(env, workers=1) as (first, first_url), gunicorn(env, workers=1) as (second, second_url):
        yield App(first, first_url, {}, workers=1), App(second, second_url, {}, workers=1)


@pytest.fixture
def redis_client(shared_redis):
    """The shared Redis, emptied before the test: its throttle counters and cached users start from nothing."""
    client = redis.Redis.from_url(shared_redis.url)
    client.flushdb()
    yield client
    client.close()
