"""Blocks: one item per blocker and blocked user, checked inside every send's own transaction.

Atomicity with sends: a send's TransactWriteItems carries a ConditionCheck `attribute_not_exists(pk)` on
the block items of both directions, and a block is a Put of its item. DynamoDB serializes transactions
over the items they touch, so once the block's write is acknowledged no send committing later can pass
its check; a send that committed earlier was stored before the block existed. The checks ride in the
send's own transaction: no extra round trip.
"""
import itertools
from collections.abc import Callable
from datetime import datetime

from messaging.store import items
from messaging.store.calls import Backoff, Table
from messaging.store.legacy import LegacyConversations
from messaging.store.member_writes import state_write_ops
from messaging.store.models import BlockedUser, Conversation
from messaging.store.timefmt import format_time
from messaging.store.transactions import LabelledOp, put_new, transact

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


class BlockOps:
    """The store's block writes and reads (mixed into MessageStore)."""

    table: Table
    table_name: str
    legacy: LegacyConversations
    clock: Callable[[], datetime]
    retry_deadline_seconds: float

    def block(self, *, blocker_uuid: str, blocked_uuid: str) -> bool:
        """Store the block and hide the two users' conversation from the blocker's list, in one transaction;
        False if it was already stored (then nothing changes)."""
        def ops(conversation: Conversation | None) -> list[LabelledOp]:
            if conversation is not None and conversation.legacy:
                conversation, _ = self.legacy.adopt(conversation)  # hidden is member state: it needs the item
            blocked_at = format_time(self.clock())
            put = ("block", put_new(self.table_name, items.block_item(blocker_uuid, blocked_uuid, blocked_at)))
            if conversation is None:
                # A first message committing meanwhile starts a conversation this block must hide: look again.
                return [put, no_pair_check(self.table_name, blocker_uuid, blocked_uuid)]
            return [put, *self._hidden_ops(conversation, blocker_uuid, hidden=True)]

        return self._change_block(blocker_uuid, blocked_uuid, ops)

    def unblock(self, *, blocker_uuid: str, blocked_uuid: str) -> bool:
        """Remove the block and show the conversation in the blocker's list again, in one transaction; False if
        there was no block (then nothing changes)."""
        def ops(conversation: Conversation | None) -> list[LabelledOp]:
            delete_block = ("block", {"Delete": {
                "TableName": self.table_name, "Key": items.block_key(blocker_uuid, blocked_uuid),
                "ConditionExpression": "attribute_exists(pk)",
            }})
            if conversation is not None and blocker_uuid in conversation.hidden_for:
                return [delete_block, *self._hidden_ops(conversation, blocker_uuid, hidden=False)]
            return [delete_block]

        return self._change_block(blocker_uuid, blocked_uuid, ops)

    def _change_block(self, blocker_uuid: str, blocked_uuid: str,
                      ops: Callable[[Conversation | None], list[LabelledOp]]) -> bool:
        """One block write with the conversation as it now is, retried on lost races; False when the block item's
        own condition failed (already blocked, or not blocked): then nothing changed."""
        backoff = Backoff(self.retry_deadline_seconds)
        for attempt in itertools.count():
            outcome = transact(self.table, ops(self._conversation_between(blocker_uuid, blocked_uuid)))
            if outcome.committed:
                return True
            if "block" in outcome.failed:
                return False
            backoff.pause(attempt)

    def list_blocked(self, *, blocker_uuid: str) -> list[BlockedUser]:
        """Everyone `blocker` blocks, in uuid order (one Query per page of blocks)."""
        pages = self.table.pages("query", KeyConditionExpression="pk = :pk", ConsistentRead=True,
                                 ExpressionAttributeValues={":pk": items.S(items.block_pk(blocker_uuid))})
        return [items.blocked_from_item(item) for page in pages for item in page.get("Items", [])]

    def _hidden_ops(self, conversation: Conversation, owner_uuid: str, *, hidden: bool) -> list[LabelledOp]:
        """Hide (or show again) the conversation in `owner`'s list: a write of their member state, so it is
        guarded like every other (the conversation's `last_message_at`, their `rev` and group item)."""
        state = self._states(conversation)[owner_uuid]
        return state_write_ops(self.table_name, conversation, owner_uuid, state.written(hidden=hidden))
