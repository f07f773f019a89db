"""Every read and write of the messages table.

Invariant kept by every write here: a conversation item (`CONV#<group>`) records each member's
group item `sk`; each member has exactly that one group item for the conversation; and
`last_message_at` only moves forward. A send re-keys both group items in the same transaction
that stores the message, conditioned on the `last_message_at` it read (optimistic concurrency).
"""
import itertools
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from messaging.store import items
from messaging.store.cursors import decode_cursor, encode_cursor
from messaging.store.errors import (
    IdempotencyKeyReused,
    StoreConflict,
    StoreNotFound,
    StoreUnavailable,
)
from messaging.store.models import Conversation, Message, MessageGroup, Page, UserRef
from messaging.store.schema import GROUP_INDEX
from messaging.store.timefmt import later_than, next_microsecond, utc_now

logger = logging.getLogger(__name__)

GroupUpdates = Literal["inline", "stream"]

_UNAVAILABLE_CODES = frozenset({
    "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
    "InternalServerError", "ServiceUnavailable", "LimitExceededException",
})
# Refusals the calling method answers itself (a lost race, a taken key); any other code is no answer.
_CALLER_HANDLES_CODES = frozenset({
    "ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException",
})
_UNAVAILABLE_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})
RECEIPT_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class BackfillReport:
    conversations: int = 0
    conversations_created: int = 0
    duplicate_group_items_removed: int = 0
    pairs_created: int = 0
    pairs_already_taken: int = 0


@dataclass
class _Outcome:
    """What a cancelled transaction says: which of our labelled operations failed a condition, and the
    items as they were when it failed (for operations that ask for them)."""

    failed: frozenset[str] = frozenset()
    committed: bool = False
    current_items: dict[str, dict] = field(default_factory=dict)


class MessageStore:
    def __init__(
        self,
        client,
        table_name: str,
        clock: Callable[[], datetime] = utc_now,
        group_updates: GroupUpdates = "inline",
        # Lost races are retried until then; a request's DynamoDB work has a deadline of a few seconds.
        retry_deadline_seconds: float = 3.0,
    ):
        self.client = client
        self.table_name = table_name
        self.clock = clock
        self.group_updates = group_updates
        self.retry_deadline_seconds = retry_deadline_seconds
        self._backfilled = False

    # ---------------------------------------------------------------- reads

    def get_conversation(self, group_uuid: str) -> Conversation | None:
        """Strongly consistent. Until the table is backfilled, conversations of the old backend are derived
        from the group GSI; after, every conversation has its item and a missing one costs one GetItem."""
        conversation = self._stored_conversation(group_uuid)
        if conversation is None and not self.is_backfilled():
            conversation = self._legacy_conversation(group_uuid)
        return conversation

    def get_conversation_of_member(self, group_uuid: str, member_uuid: str) -> Conversation | None:
        """The conversation if `member_uuid` is one of its members, else None.

        A missing conversation and someone else's cost the same DynamoDB calls, so a caller cannot tell
        them apart by time: after backfill one GetItem each; before it, the GSI search a missing one needs
        is made for someone else's too.
        """
        conversation = self._stored_conversation(group_uuid)
        if conversation is not None and conversation.member(member_uuid) is not None:
            return conversation
        if self.is_backfilled():
            return None
        legacy = self._legacy_conversation(group_uuid)
        return legacy if legacy is not None and legacy.member(member_uuid) is not None else None

    def find_conversation_between(self, a_uuid: str, b_uuid: str) -> str | None:
        conversation = self._conversation_between(a_uuid, b_uuid)
        return conversation.uuid if conversation else None

    def list_groups(self, user_uuid: str, limit: int, before: str | None = None,
                    after: str | None = None) -> Page[MessageGroup]:
        """A user's conversations, newest first (one Query)."""
        return self._page(items.group_pk(user_uuid), limit, before, after, items.group_from_item,
                          newest_first=True)

    def list_messages(self, group_uuid: str, limit: int, before: str | None = None,
                      after: str | None = None) -> Page[Message]:
        """A page of a conversation's messages, oldest first (one Query)."""
        return self._page(items.message_pk(group_uuid), limit, before, after, items.message_from_item,
                          newest_first=False)

    def is_backfilled(self) -> bool:
        """True once `backfill` ran (or the table was created by this project): no legacy searches are made.

        So `ddb backfill` must run again after the old backend last wrote to the table; until then a
        conversation it started is not found (it is idempotent and safe to repeat)."""
        if not self._backfilled:
            self._backfilled = self._get(items.BACKFILL_MARK_KEY) is not None
        return self._backfilled

    # ---------------------------------------------------------------- sends

    def send_to_user(self, sender: UserRef, recipient: UserRef, text: str,
                     idempotency_key: str | None = None, request_hash: str = "") -> Message:
        """Start a conversation with `recipient`, or continue the one the two already have."""
        deadline = self._deadline()
        collided_at: str | None = None
        for attempt in itertools.count():
            conversation = self._conversation_between(sender.uuid, recipient.uuid)
            if conversation is not None:
                return self.send_in_conversation(conversation, sender, text, idempotency_key, request_hash)
            created_at = later_than(self.clock(), collided_at)
            message = Message(str(uuid.uuid4()), str(uuid.uuid4()), created_at, text, sender)
            members = {sender.uuid: recipient, recipient.uuid: sender}  # owner -> the other member
            started = Conversation(message.message_group_uuid, (sender, recipient), message.created_at,
                                   {m: message.created_at for m in members})
            ops = [
                ("pair", self._put({**items.pair_key(sender.uuid, recipient.uuid),
                                    "conversation_uuid": items.S(started.uuid)}, must_be_new=True)),
                ("conversation", self._put(items.conversation_item(started), must_be_new=True)),
                ("message", self._put(items.message_item(message), must_be_new=True)),
                *[(f"group:{owner}", self._put(items.group_item(owner, message.created_at, started.uuid, other, text),
                                               must_be_new=True))
                  for owner, other in members.items()],
                *self._receipt_ops(message, idempotency_key, request_hash),
            ]
            sent = self._sent(self._transact(ops), message, idempotency_key, request_hash)
            if sent is not None:
                return sent
            # Lost the race to start this conversation, or a time collided: look again.
            collided_at = created_at
            self._pause(attempt, deadline)

    def send_in_conversation(self, conversation: Conversation, sender: UserRef, text: str,
                             idempotency_key: str | None = None, request_hash: str = "") -> Message:
        """Store a message in an existing conversation; the caller checked that `sender` is a member."""
        deadline = self._deadline()
        collided_at: str | None = None
        for attempt in itertools.count():
            if conversation.legacy:
                conversation, _ = self._adopt(conversation)
            floor = max([conversation.last_message_at, *conversation.group_sks.values(), collided_at or ""])
            message = Message(conversation.uuid, str(uuid.uuid4()), later_than(self.clock(), floor), text, sender)
            ops = [("message", self._put(items.message_item(message), must_be_new=True))]
            if self.group_updates == "inline":
                same_time = {m.uuid: message.created_at for m in conversation.members}
                ops += self._rekey_ops(conversation, message, same_time)
            ops += self._receipt_ops(message, idempotency_key, request_hash)
            outcome = self._transact(ops)
            sent = self._sent(outcome, message, idempotency_key, request_hash)
            if sent is not None:
                return sent
            collided_at = message.created_at
            self._pause(attempt, deadline)
            conversation = self._conversation_after(outcome, conversation.uuid)
            if conversation is None:
                raise StoreNotFound(f"conversation {message.message_group_uuid} disappeared")

    def apply_message_to_groups(self, message: Message) -> bool:
        """Re-key both group items for a stored message (stream mode); False if nothing to do.

        Idempotent and order-independent: a message older than or equal to the conversation's
        last one changes nothing, so repeated and out-of-order stream records are harmless.
        """
        deadline = self._deadline()
        group_sks: dict[str, str] = {}
        conversation = self.get_conversation(message.message_group_uuid)
        for attempt in itertools.count():
            if conversation is None:
                logger.warning("message %s is in no known conversation", message.uuid)
                return False
            if conversation.legacy:
                conversation, _ = self._adopt(conversation)
            if message.created_at <= conversation.last_message_at:
                return False
            for member in conversation.members:
                group_sks.setdefault(member.uuid, message.created_at)
                current = conversation.group_sks.get(member.uuid, "")
                if group_sks[member.uuid] <= current:  # its item was itself moved a microsecond on
                    group_sks[member.uuid] = next_microsecond(current)
            outcome = self._transact(self._rekey_ops(conversation, message, group_sks))
            if outcome.committed:
                return True
            # A member's list already has an item at this time (another conversation): the
            # message time is fixed here, so that member's group item moves one microsecond on.
            for member in conversation.members:
                if f"group:{member.uuid}" in outcome.failed:
                    group_sks[member.uuid] = next_microsecond(group_sks[member.uuid])
            self._pause(attempt, deadline)
            conversation = self._conversation_after(outcome, message.message_group_uuid)

    # ---------------------------------------------------------------- backfill

    def backfill(self) -> BackfillReport:
        """Write conversation and pair items for conversations the old backend wrote."""
        report = BackfillReport()
        for group_uuid in sorted(self._all_group_uuids()):
            # Whatever the mark says: the old backend may have written conversations since the last run.
            conversation = self._stored_conversation(group_uuid) or self._legacy_conversation(group_uuid)
            if conversation is None:
                continue
            report = replace(report, conversations=report.conversations + 1)
            if conversation.legacy:
                conversation, removed = self._adopt(conversation)
                report = replace(report, conversations_created=report.conversations_created + 1,
                                 duplicate_group_items_removed=report.duplicate_group_items_removed + removed)
            a, b = (m.uuid for m in conversation.members)
            if self._put_if_new({**items.pair_key(a, b), "conversation_uuid": items.S(group_uuid)}):
                report = replace(report, pairs_created=report.pairs_created + 1)
            elif self._pair_target(a, b) != group_uuid:
                # The old backend could start two conversations for one pair; the first keeps the pair.
                report = replace(report, pairs_already_taken=report.pairs_already_taken + 1)
        self.mark_backfilled()
        return report

    def mark_backfilled(self) -> None:
        self._call("put_item", TableName=self.table_name, Item=dict(items.BACKFILL_MARK_KEY))
        self._backfilled = True

    # ---------------------------------------------------------------- internals: conversations

    def _stored_conversation(self, group_uuid: str) -> Conversation | None:
        item = self._get(items.conversation_key(group_uuid))
        return items.conversation_from_item(item) if item is not None else None

    def _conversation_between(self, a_uuid: str, b_uuid: str) -> Conversation | None:
        group_uuid = self._pair_target(a_uuid, b_uuid)
        if group_uuid is None and not self.is_backfilled():
            group_uuid = self._legacy_group_between(a_uuid, b_uuid)
        return self.get_conversation(group_uuid) if group_uuid else None

    def _pair_target(self, a_uuid: str, b_uuid: str) -> str | None:
        pair = self._get(items.pair_key(a_uuid, b_uuid))
        return pair["conversation_uuid"]["S"] if pair else None

    def _legacy_group_between(self, a_uuid: str, b_uuid: str) -> str | None:
        for page in self._paginate("query", KeyConditionExpression="pk = :pk", FilterExpression="user_uuid = :other",
                                   ExpressionAttributeValues={":pk": items.S(items.group_pk(a_uuid)),
                                                              ":other": items.S(b_uuid)},
                                   ProjectionExpression="message_group_uuid", ConsistentRead=True):
            for item in page.get("Items", []):
                return item["message_group_uuid"]["S"]
        return None

    def _group_items_of(self, group_uuid: str) -> list[dict]:
        found = []
        for page in self._paginate("query", IndexName=GROUP_INDEX, KeyConditionExpression="message_group_uuid = :g",
                                   ExpressionAttributeValues={":g": items.S(group_uuid)}):
            found.extend(page.get("Items", []))
        return found

    def _legacy_conversation(self, group_uuid: str) -> Conversation | None:
        """Derive a conversation from the old backend's two group items (no conversation item)."""
        newest_by_owner: dict[str, dict] = {}
        for item in self._group_items_of(group_uuid):
            owner = items.group_owner(item)
            if owner not in newest_by_owner or item["sk"]["S"] > newest_by_owner[owner]["sk"]["S"]:
                newest_by_owner[owner] = item
        if len(newest_by_owner) != 2:
            return None
        (a, a_item), (b, b_item) = sorted(newest_by_owner.items())
        # Each group item describes the other member, so a's name is on b's item and vice versa.
        members = (
            UserRef(a, b_item["user_handle"]["S"], b_item["user_display_name"]["S"]),
            UserRef(b, a_item["user_handle"]["S"], a_item["user_display_name"]["S"]),
        )
        group_sks = {a: a_item["sk"]["S"], b: b_item["sk"]["S"]}
        return Conversation(group_uuid, members, max(group_sks.values()), group_sks, legacy=True)

    def _adopt(self, legacy: Conversation) -> tuple[Conversation, int]:
        """Write the conversation item for an old-backend conversation and drop duplicate group items.

        Returns the conversation as stored and how many duplicate group items this call removed.
        """
        keep = {(items.group_pk(owner), sk) for owner, sk in legacy.group_sks.items()}
        duplicates = [item for item in self._group_items_of(legacy.uuid)
                      if (item["pk"]["S"], item["sk"]["S"]) not in keep]
        adopted = replace(legacy, legacy=False)
        ops = [("conversation", self._put(items.conversation_item(adopted), must_be_new=True))]
        ops += [(f"duplicate:{n}", {"Delete": {"TableName": self.table_name,
                                               "Key": items.key(d["pk"]["S"], d["sk"]["S"])}})
                for n, d in enumerate(duplicates)]
        outcome = self._transact(ops)
        # Whether we or a concurrent request wrote it, the conversation item is now the truth.
        current = self._get(items.conversation_key(legacy.uuid))
        if current is None:
            raise StoreConflict(f"could not adopt conversation {legacy.uuid}")
        removed = len(duplicates) if outcome.committed else 0
        return items.conversation_from_item(current), removed

    def _all_group_uuids(self) -> set[str]:
        found = set()
        for page in self._paginate("scan", FilterExpression="begins_with(pk, :grp)",
                                   ExpressionAttributeValues={":grp": items.S("GRP#")},
                                   ProjectionExpression="message_group_uuid"):
            found.update(item["message_group_uuid"]["S"] for item in page.get("Items", []))
        return found

    # ---------------------------------------------------------------- internals: write operations

    def _rekey_ops(self, conversation: Conversation, message: Message, group_sks: dict[str, str]) -> list:
        """Move both members' group items to the new message, guarded by the conversation's last time."""
        sender, other = message.sender, conversation.other_member(message.sender.uuid)
        names = {"#s": sender.uuid, "#o": other.uuid}
        ops = [("conversation", {"Update": {
            "TableName": self.table_name,
            "Key": items.conversation_key(conversation.uuid),
            "UpdateExpression": "SET last_message_at = :t, members.#s = :s, members.#o = :o",
            "ConditionExpression": "last_message_at = :previous",
            # A lost race returns the conversation as it now is, so the retry needs no GetItem.
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {
                ":t": items.S(message.created_at),
                ":s": items.member_update_value(sender, group_sks[sender.uuid]),
                ":o": items.member_update_value(other, group_sks[other.uuid]),
                ":previous": items.S(conversation.last_message_at),
            },
        }})]
        for owner, shown in ((sender.uuid, other), (other.uuid, sender)):
            old_sk = conversation.group_sks.get(owner)
            if old_sk:
                ops.append((f"old-group:{owner}", {"Delete": {
                    "TableName": self.table_name, "Key": items.key(items.group_pk(owner), old_sk)}}))
            ops.append((f"group:{owner}", self._put(
                items.group_item(owner, group_sks[owner], conversation.uuid, shown, message.text), must_be_new=True)))
        return ops

    def _receipt_ops(self, message: Message, idempotency_key: str | None, request_hash: str) -> list:
        if not idempotency_key:
            return []
        now = int(self.clock().timestamp())
        item = items.receipt_item(message.sender.uuid, idempotency_key, request_hash, message,
                                  expires_at=now + RECEIPT_TTL_SECONDS)
        return [("receipt", {"Put": {
            "TableName": self.table_name, "Item": item,
            # An expired receipt may linger until DynamoDB's TTL sweep removes it.
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
            "ExpressionAttributeValues": {":now": {"N": str(now)}},
        }})]

    def _sent(self, outcome: _Outcome, message: Message, idempotency_key: str | None,
              request_hash: str) -> Message | None:
        """The stored message, or the first result of a retried send; None if the attempt lost a race."""
        if outcome.committed:
            return message
        if "receipt" in outcome.failed:
            return self._replay(message.sender.uuid, idempotency_key, request_hash)
        return None

    def _conversation_after(self, outcome: _Outcome, group_uuid: str) -> Conversation | None:
        """The conversation after a lost race: as the cancelled transaction returned it, else read again."""
        item = outcome.current_items.get("conversation")
        return items.conversation_from_item(item) if item else self.get_conversation(group_uuid)

    def _replay(self, sender_uuid: str, idempotency_key: str, request_hash: str) -> Message | None:
        receipt = self._get(items.receipt_key(sender_uuid, idempotency_key))
        if receipt is None:
            return None  # expired and swept between our write and this read: send again
        if receipt["request_hash"]["S"] != request_hash:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different message")
        return items.message_from_receipt(receipt)

    def _put(self, item: dict, must_be_new: bool) -> dict:
        put = {"TableName": self.table_name, "Item": item}
        if must_be_new:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        return {"Put": put}

    def _put_if_new(self, item: dict) -> bool:
        try:
            self._call("put_item", TableName=self.table_name, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _transact(self, labelled_ops: list[tuple[str, dict]]) -> _Outcome:
        """Run the operations as one transaction; a cancellation says which labels failed."""
        labels = [label for label, _ in labelled_ops]
        try:
            # botocore fills in ClientRequestToken (an idempotency token in the model) once, before its
            # retries, so a timed-out call retried is not applied twice.
            self._call("transact_write_items", TransactItems=[op for _, op in labelled_ops])
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "TransactionConflictException":
                return _Outcome()
            if code != "TransactionCanceledException":
                raise
            reasons = dict(zip(labels, error.response.get("CancellationReasons", []), strict=False))
            if _UNAVAILABLE_REASONS & {reason.get("Code", "None") for reason in reasons.values()}:
                raise StoreUnavailable("DynamoDB is throttling") from error
            return _Outcome(
                failed=frozenset(label for label, reason in reasons.items()
                                 if reason.get("Code") == "ConditionalCheckFailed"),
                current_items={label: reason["Item"] for label, reason in reasons.items() if "Item" in reason},
            )
        return _Outcome(committed=True)

    # ---------------------------------------------------------------- internals: plumbing

    def _page(self, pk: str, limit: int, before: str | None, after: str | None,
              decode: Callable[[dict], object], newest_first: bool) -> Page:
        values = {":pk": items.S(pk)}
        condition = "pk = :pk"
        if after is not None:
            condition += " AND sk > :cursor"
            values[":cursor"] = items.S(decode_cursor(after))
        elif before is not None:
            condition += " AND sk < :cursor"
            values[":cursor"] = items.S(decode_cursor(before))
        response = self._call("query", TableName=self.table_name, KeyConditionExpression=condition,
                              ExpressionAttributeValues=values, ScanIndexForward=after is not None,
                              Limit=limit + 1, ConsistentRead=True)
        found = response.get("Items", [])
        has_more, found = len(found) > limit, found[:limit]
        # `found` runs away from the cursor: newest first for before-pages, oldest first for after-pages.
        if after is not None:
            direction = "after"
            next_cursor = encode_cursor(found[-1]["sk"]["S"]) if found else after
            newest = found[-1] if found else None
        else:
            direction = "before"
            next_cursor = encode_cursor(found[-1]["sk"]["S"]) if has_more else None
            newest = found[0] if found else None
        in_time_order = found if after is not None else found[::-1]
        ordered = in_time_order[::-1] if newest_first else in_time_order
        return Page(
            items=[decode(item) for item in ordered],
            next_cursor=next_cursor,
            direction=direction,
            newest_cursor=encode_cursor(newest["sk"]["S"]) if newest else None,
        )

    def _get(self, key: dict) -> dict | None:
        return self._call("get_item", TableName=self.table_name, Key=key, ConsistentRead=True).get("Item")

    def _paginate(self, operation: str, **kwargs) -> Iterator[dict]:
        kwargs["TableName"] = self.table_name
        while True:
            page = self._call(operation, **kwargs)
            yield page
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _call(self, operation: str, **kwargs) -> dict:
        """Call DynamoDB (botocore already retried); outages and throttling become StoreUnavailable.

        Only the refusals in _CALLER_HANDLES_CODES reach the caller as ClientError. Any other refusal
        (a ValidationException, a permission error) is logged as an error and becomes StoreUnavailable:
        the input a client controls is checked before it gets here, so it is ours to fix, never a 500.
        """
        try:
            return getattr(self.client, operation)(**kwargs)
        except (BotoConnectionError, HTTPClientError) as error:
            raise StoreUnavailable(f"DynamoDB unreachable: {error}") from error
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in _CALLER_HANDLES_CODES:
                raise
            if code in _UNAVAILABLE_CODES:
                raise StoreUnavailable(f"DynamoDB refused: {code}") from error
            if code == "ResourceNotFoundException":
                raise StoreNotFound(f"table {self.table_name} not found") from error
            logger.error("DynamoDB refused %s on %s: %s", operation, self.table_name, error)
            raise StoreUnavailable(f"DynamoDB refused {operation}: {code}") from error

    def _deadline(self) -> float:
        return time.monotonic() + self.retry_deadline_seconds

    @staticmethod
    def _pause(attempt: int, deadline: float) -> None:
        """Jittered exponential backoff between lost races; give up at the deadline."""
        if time.monotonic() >= deadline:
            raise StoreConflict("too much contention on this conversation; nothing was stored")
        time.sleep(random.uniform(0, min(0.1, 0.002 * 2 ** min(attempt, 6))))
