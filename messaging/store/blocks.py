"""Blocks: one item per blocker and blocked user, checked inside every send's own transaction.

Atomicity with sends: a send's TransactWriteItems carries a ConditionCheck `attribute_not_exists(pk)` on
the block items of both directions, and a block is a Put of its item. DynamoDB serializes transactions
over the items they touch, so once the block's write is acknowledged no send committing later can pass
its check; a send that committed earlier was stored before the block existed. The checks ride in the
send's own transaction: no extra round trip.
"""
from messaging.store import items
from messaging.store.transactions import LabelledOp

BLOCK_LABEL_PREFIX = "block:"


def block_checks(table_name: str, a_uuid: str, b_uuid: str) -> list[LabelledOp]:
    """ConditionChecks for a send between `a` and `b`: neither blocks the other."""
    return [
        (f"{BLOCK_LABEL_PREFIX}{blocker}>{blocked}", {"ConditionCheck": {
            "TableName": table_name,
            "Key": items.block_key(blocker, blocked),
            "ConditionExpression": "attribute_not_exists(pk)",
        }})
        for blocker, blocked in ((a_uuid, b_uuid), (b_uuid, a_uuid))
    ]


def failed_block_check(failed: frozenset[str]) -> bool:
    return any(label.startswith(BLOCK_LABEL_PREFIX) for label in failed)


def no_pair_check(table_name: str, a_uuid: str, b_uuid: str) -> LabelledOp:
    """A block between two users with no conversation yet: fails if a first message started one meanwhile."""
    return ("pair", {"ConditionCheck": {
        "TableName": table_name, "Key": items.pair_key(a_uuid, b_uuid),
        "ConditionExpression": "attribute_not_exists(pk)",
    }})
