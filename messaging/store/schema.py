"""The table layout of the design: key schema, the group GSI, the stream and the TTL."""
from botocore.exceptions import ClientError

from messaging.store.items import BACKFILL_MARK_KEY

GROUP_INDEX = "message-group-sk-index"
TTL_ATTRIBUTE = "expires_at"

KEY_SCHEMA = [
    {"AttributeName": "pk", "KeyType": "HASH"},
    {"AttributeName": "sk", "KeyType": "RANGE"},
]
ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
    {"AttributeName": "message_group_uuid", "AttributeType": "S"},
]
GLOBAL_SECONDARY_INDEXES = [
    {
        "IndexName": GROUP_INDEX,
        "KeySchema": [
            {"AttributeName": "message_group_uuid", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
]
STREAM_SPECIFICATION = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}


def create_table(client, table_name: str) -> bool:
    """Create the messages table and wait until it is active; False if it already existed."""
    try:
        client.create_table(
            TableName=table_name,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=ATTRIBUTE_DEFINITIONS,
            GlobalSecondaryIndexes=GLOBAL_SECONDARY_INDEXES,
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification=STREAM_SPECIFICATION,
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceInUseException":
            return False
        raise
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
    # A new table holds no old-backend data, so reads never need the legacy fallbacks.
    client.put_item(TableName=table_name, Item=dict(BACKFILL_MARK_KEY))
    return True


def table_exists(client, table_name: str) -> bool:
    try:
        client.describe_table(TableName=table_name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def drop_table(client, table_name: str) -> bool:
    """Delete the table and wait until it is gone; False if there was none."""
    try:
        client.delete_table(TableName=table_name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    client.get_waiter("table_not_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    return True


def describe_table(client, table_name: str) -> dict:
    return client.describe_table(TableName=table_name)["Table"]


def list_tables(client) -> list[str]:
    names: list[str] = []
    for page in client.get_paginator("list_tables").paginate():
        names.extend(page["TableNames"])
    return names
