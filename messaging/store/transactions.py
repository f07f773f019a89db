"""Labelled transactions: each operation of a TransactWriteItems carries a label, so that a cancellation says
which of them failed its condition and what those items held at the time."""
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from messaging.store.calls import Table
from messaging.store.errors import StoreUnavailable

# Cancellation reasons that mean "DynamoDB is throttling", not "a condition failed".
UNAVAILABLE_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})

LabelledOp = tuple[str, dict]


@dataclass
class Outcome:
    """What a transaction came to: committed, or which labelled operations failed a condition, with the items
    as they were when it failed (for operations that ask for them)."""

    failed: frozenset[str] = frozenset()
    committed: bool = False
    current_items: dict[str, dict] = field(default_factory=dict)


def put_new(table_name: str, item: dict) -> dict:
    """Put an item that must not exist yet: a message, a group item, a conversation never overwrites one."""
    return {"Put": {"TableName": table_name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


def delete(table_name: str, key: dict) -> dict:
    return {"Delete": {"TableName": table_name, "Key": key}}


def transact(table: Table, labelled_ops: list[LabelledOp]) -> Outcome:
    """Run the operations as one transaction; a cancellation says which labels failed."""
    labels = [label for label, _ in labelled_ops]
    try:
        # botocore fills in ClientRequestToken (an idempotency token in the model) once, before its
        # retries, so a timed-out call retried is not applied twice.
        table.call("transact_write_items", TransactItems=[op for _, op in labelled_ops])
    except ClientError as error:
        code = error.response["Error"]["Code"]
        if code == "TransactionConflictException":
            return Outcome()
        if code != "TransactionCanceledException":
            raise
        reasons = dict(zip(labels, error.response.get("CancellationReasons", []), strict=False))
        if UNAVAILABLE_REASONS & {reason.get("Code", "None") for reason in reasons.values()}:
            raise StoreUnavailable("DynamoDB is throttling") from error
        return Outcome(
            failed=frozenset(label for label, reason in reasons.items()
                             if reason.get("Code") == "ConditionalCheckFailed"),
            current_items={label: reason["Item"] for label, reason in reasons.items() if "Item" in reason},
        )
    return Outcome(committed=True)
