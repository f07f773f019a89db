import os
import socket
import uuid

import pytest

# moto and DynamoDB Local both want credentials to sign with; never real ones in tests.
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from moto import mock_aws  # noqa: E402

from messaging import ddb  # noqa: E402
from messaging.devtools.dynamodb_local import DynamoDBLocal, DynamoDBLocalError  # noqa: E402
from messaging.store import schema  # noqa: E402
from messaging.store.client import ClientSettings, make_client  # noqa: E402
from tests.support.components import require  # noqa: E402
from tests.support.store import SettableClock  # noqa: E402
from tests.support.tokens import CLIENT_ID, POOL_ID, REGION, CognitoPool, JWKSServer, SigningKey  # noqa: E402
from tests.support.users import make_user  # noqa: E402


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counts and cached users live in the cache; every test starts from an empty one.
    cache.clear()
    yield
    cache.clear()


class CapturedQueries(CaptureQueriesContext):
    def non_ascii(self) -> list[str]:
        """The statements that carried non-ASCII text (Postgres' UPPER/LOWER would case-fold it)."""
        return [query["sql"] for query in self.captured_queries if not query["sql"].isascii()]


@pytest.fixture
def db_queries():
    """`with db_queries() as queries:` records the SQL sent to the default database."""
    return lambda: CapturedQueries(connection)


@pytest.fixture(scope="session")
def ddb_local_server(tmp_path_factory):
    """One DynamoDB Local process for the session, started as `manage.py rundev` starts it."""
    server = DynamoDBLocal(data_dir=tmp_path_factory.mktemp("dynamodb"))
    try:
        server.start()
    except DynamoDBLocalError as error:
        require(False, f"DynamoDB Local ({error})")
    yield server
    server.stop()


@pytest.fixture
def moto_client():
    with mock_aws():
        yield make_client(ClientSettings(region="us-east-1"))


@pytest.fixture(params=["moto", pytest.param("local", marks=pytest.mark.ddb_local)])
def ddb_backend(request):
    """A fresh messages table on moto, and again on DynamoDB Local: (client, table_name)."""
    if request.param == "moto":
        with mock_aws():
            client = make_client(ClientSettings(region="us-east-1"))
            schema.create_table(client, "cruddur-messages")
            yield client, "cruddur-messages"
        return
    server = request.getfixturevalue("ddb_local_server")
    client = make_client(ClientSettings(region="us-east-1", endpoint_url=server.endpoint_url))
    table = f"cruddur-messages-{uuid.uuid4().hex[:12]}"
    schema.create_table(client, table)
    yield client, table
    schema.drop_table(client, table)


@pytest.fixture
def app_ddb(ddb_backend, settings):
    """Point the Django app's store at the test table (moto or DynamoDB Local)."""
    client, table = ddb_backend
    settings.DDB_MESSAGE_TABLE = table
    settings.AWS_ENDPOINT_URL = client.meta.endpoint_url if "127.0.0.1" in client.meta.endpoint_url else None
    ddb.reset()
    yield client, table
    ddb.reset()


@pytest.fixture
def unreachable_dynamodb(settings):
    """DynamoDB at a local port where nothing listens: every call is refused at once."""
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        settings.AWS_ENDPOINT_URL = f"http://127.0.0.1:{reserved.getsockname()[1]}"
        settings.DDB_MAX_ATTEMPTS = 1
        settings.DDB_CONNECT_TIMEOUT = 1
        yield


@pytest.fixture
def app_clock(app_ddb, monkeypatch):
    """The app store's clock, standing still until the test moves it (message times, the edit window)."""
    clock = SettableClock()
    monkeypatch.setattr(ddb.get_store(), "clock", clock)
    return clock


# Users and a fake Cognito pool shared by the API and security tests.


@pytest.fixture
def alice(db):
    return make_user("alice", cognito_user_id=str(uuid.uuid4()))


@pytest.fixture
def bob(db):
    return make_user("bob", cognito_user_id=str(uuid.uuid4()))


@pytest.fixture
def carol(db):
    return make_user("carol")


@pytest.fixture
def cognito(settings):
    """A user pool whose key set is served on 127.0.0.1; the app is configured to trust it."""
    server = JWKSServer()
    pool = CognitoPool(server, SigningKey(kid="key-1"))
    server.keys.append(pool.key)
    server.start()
    settings.COGNITO_USER_POOL_ID = POOL_ID
    settings.COGNITO_CLIENT_ID = CLIENT_ID
    settings.COGNITO_REGION = REGION
    settings.COGNITO_JWKS_URL = server.url
    settings.COGNITO_JWKS_TIMEOUT = 2.0
    yield pool
    server.stop()
