"""Raw reads for operators (`manage.py ddb scan`): every item as plain Python values."""
from collections.abc import Iterator

from boto3.dynamodb.types import TypeDeserializer

_deserializer = TypeDeserializer()


def plain(item: dict) -> dict:
    """A DynamoDB-JSON item as Python values (strings, numbers as Decimal, maps, lists)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def scan_items(client, table_name: str, limit: int | None = None) -> Iterator[dict]:
    """Every item of the table (at most `limit`), in DynamoDB's scan order, as plain values."""
    found = 0
    for page in client.get_paginator("scan").paginate(TableName=table_name):
        for item in page.get("Items", []):
            if limit is not None and found >= limit:
                return
            found += 1
            yield plain(item)
