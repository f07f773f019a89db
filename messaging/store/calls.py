"""Calling DynamoDB: botocore's errors mapped to the store's, its paginators, and backoff between lost races.

botocore already retried each call (standard mode); what is left is an outage or throttling (StoreUnavailable)
or a missing table (StoreNotFound).
"""
import contextlib
import logging
import random
import threading
import time
from collections.abc import Iterator

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from messaging.store.errors import StoreConflict, StoreNotFound, StoreUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "LimitExceededException",
})
# Refusals the calling method answers itself (a lost race, a taken key); any other code is no answer.
CALLER_HANDLES_CODES = frozenset({
    "ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException",
})


class Table:
    """One table through one client: every call and page of calls with the errors mapped."""

    def __init__(self, client, table_name: str):
        self.client = client
        self.table_name = table_name

    @contextlib.contextmanager
    def mapped_errors(self):
        """Outages and throttling become StoreUnavailable, a missing table StoreNotFound.

        Only the refusals in CALLER_HANDLES_CODES reach the caller as ClientError. Any other refusal
        (a ValidationException, a permission error) is logged as an error and becomes StoreUnavailable:
        the input a client controls is checked before it gets here, so it is ours to fix, never a 500.
        """
        try:
            yield
        except (BotoConnectionError, HTTPClientError) as error:
            raise StoreUnavailable(f"DynamoDB unreachable: {error}") from error
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in CALLER_HANDLES_CODES:
                raise
            if code in UNAVAILABLE_CODES:
                raise StoreUnavailable(f"DynamoDB refused: {code}") from error
            if code == "ResourceNotFoundException":
                raise StoreNotFound(f"table {self.table_name} not found") from error
            logger.error("DynamoDB refused a call on %s: %s", self.table_name, error)
            raise StoreUnavailable(f"DynamoDB refused: {code}") from error

    def call(self, operation: str, **kwargs) -> dict:
        with self.mapped_errors():
            return getattr(self.client, operation)(**kwargs)

    def pages(self, operation: str, **kwargs) -> Iterator[dict]:
        """Every page of a `query` or `scan` of this table, as botocore's paginator follows them."""
        paginator = self.client.get_paginator(operation)
        # The paginator calls DynamoDB as it is iterated, so the mapping wraps the iteration.
        with self.mapped_errors():
            yield from paginator.paginate(TableName=self.table_name, **kwargs)

    def get(self, key: dict) -> dict | None:
        return self.call("get_item", TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")

    def put_if_new(self, item: dict) -> bool:
        try:
            self.call("put_item", TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True


CONTENTION = "too much contention on this conversation; nothing was stored"


class Backoff:
    """Jittered exponential pauses between attempts that lost a race, until a deadline."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds

    def pause(self, attempt: int) -> None:
        """Sleep before attempt `attempt + 1`; give up (nothing was stored) at the deadline."""
        if time.monotonic() >= self.deadline:
            raise StoreConflict(CONTENTION)
        time.sleep(random.uniform(0, min(0.1, 0.002 * 2 ** min(attempt, 6))))

    def acquire(self, lock: threading.Lock) -> None:
        """Wait for `lock`; give up (nothing was stored) at the deadline."""
        if not lock.acquire(timeout=max(0.0, self.deadline - time.monotonic())):
            raise StoreConflict(CONTENTION)
