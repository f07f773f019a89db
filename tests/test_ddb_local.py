"""DynamoDB Local started as `manage.py rundev` starts it, with the design's table."""
import socket
import subprocess

import pytest

from messaging.store import schema
from messaging.store.client import ClientSettings, make_client

pytestmark = pytest.mark.ddb_local


def test_table_has_the_design_key_schema_gsi_and_stream(ddb_local_server):
    client = make_client(ClientSettings(region="us-east-1", endpoint_url=ddb_local_server.endpoint_url))
    assert schema.create_table(client, "cruddur-messages-layout")
    assert not schema.create_table(client, "cruddur-messages-layout"), "second create is a no-op"
    table = schema.describe_table(client, "cruddur-messages-layout")

    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    assert types == {"pk": "S", "sk": "S", "message_group_uuid": "S"}
    [gsi] = table["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "message-group-sk-index"
    assert gsi["KeySchema"] == [
        {"AttributeName": "message_group_uuid", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert gsi["Projection"] == {"ProjectionType": "ALL"}
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert table["LatestStreamArn"]
    assert "cruddur-messages-layout" in schema.list_tables(client)
    assert schema.drop_table(client, "cruddur-messages-layout")
    assert not schema.table_exists(client, "cruddur-messages-layout")


def test_data_survives_a_restart(tmp_path):
    from messaging.devtools.dynamodb_local import DynamoDBLocal

    with DynamoDBLocal(data_dir=tmp_path) as first:
        client = make_client(ClientSettings(region="us-east-1", endpoint_url=first.endpoint_url))
        schema.create_table(client, "kept")
    with DynamoDBLocal(data_dir=tmp_path) as second:
        client = make_client(ClientSettings(region="us-east-1", endpoint_url=second.endpoint_url))
        assert "kept" in schema.list_tables(client)


def non_loopback_addresses() -> list[str]:
    return [address for address in subprocess.run(["hostname", "-I"], capture_output=True, text=True,
                                                   check=True).stdout.split() if not address.startswith("127.")]


def test_dynamodb_local_answers_on_other_interfaces_as_the_readme_warns(ddb_local_server):
    """The jar cannot bind to loopback only (README, "DynamoDB Local listens on every interface"). If a
    later jar can, this fails: then bind it to 127.0.0.1 and turn this into the test that it refuses."""
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no address but loopback")
    for address in addresses:
        with socket.create_connection((address, ddb_local_server.port), timeout=2):
            pass  # connected: reachable from other hosts unless a firewall closes the port
