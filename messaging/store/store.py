"""The hot path: every read and send of the messages table, and the re-keying of group items.

Invariant kept by every write here: a conversation item (`CONV#<message group>`) records each member's
group item `sk`; each member has exactly that one group item for the conversation; and
`last_message_at` only moves forward. A send re-keys both group items in the same transaction
that stores the message, conditioned on the `last_message_at` it read (optimistic concurrency).

Read state (read_state.py) rides in the same writes: the conversation item's member map holds each member's
read position, unread count, mute and `rev`, and each member's group item carries a copy, so a list stays one
Query. A send counts in its own transaction (conditioned on both members' `rev`); a mark-read or mute that
changes nothing writes nothing, so a reader polling in a loop cannot starve the sends.
"""
import itertools
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Literal, Protocol

from messaging.store import blocks, items, read_state
from messaging.store.blocks import BlockOps
from messaging.store.calls import Backoff, Table
from messaging.store.errors import IdempotencyKeyReused, RecipientUnavailable, StoreNotFound
from messaging.store.legacy import BackfillReport, LegacyConversations
from messaging.store.member_writes import MemberWrite, conversation_update, group_state_update
from messaging.store.models import (
    Conversation,
    IdempotencyReceipt,
    Message,
    MessageGroup,
    NamesRefreshReport,
    Page,
    UserRef,
)
from messaging.store.name_refresh import NameResolver, ProgressReporter, refresh_names
from messaging.store.paging import query_page
from messaging.store.read_state import MemberState
from messaging.store.read_state_ops import ReadStateOps
from messaging.store.stream_rekey import StreamRekeyOps
from messaging.store.timefmt import later_than, utc_now
from messaging.store.transactions import LabelledOp, Outcome, delete, put_new, transact
from messaging.store.turns import ConversationTurns

GroupUpdates = Literal["inline", "stream"]

RECEIPT_TTL_SECONDS = 24 * 3600


class ConversationCache(Protocol):
    """Conversation items by uuid (the app gives one over its cache; see messaging/conversation_cache.py). Never
    the authority for a write: the transactions' conditions are."""

    # Every process writes through this one cache (Redis), so an entry is as new as the last write through the
    # app. A cache of one process's own falls behind the others' writes: a write then starts from a GetItem, since
    # a transaction cancelled on a stale entry costs more than that read.
    shared: bool

    def get(self, message_group_uuid: str) -> dict | None: ...

    def set(self, message_group_uuid: str, item: dict) -> None: ...


class MessageStore(ReadStateOps, BlockOps, StreamRekeyOps):
    def __init__(
        self,
        client,
        table_name: str,
        *,
        clock: Callable[[], datetime] = utc_now,
        group_updates: GroupUpdates = "inline",
        # Lost races are retried until then; a request's DynamoDB work has a deadline of a few seconds.
        retry_deadline_seconds: float = 3.0,
        conversation_cache: ConversationCache | None = None,
    ):
        self.client = client
        self.table_name = table_name
        self.clock = clock
        self.group_updates = group_updates
        self.retry_deadline_seconds = retry_deadline_seconds
        self.table = Table(client, table_name)
        self.legacy = LegacyConversations(self.table)
        self.conversation_cache = conversation_cache
        self.turns = ConversationTurns()

    # ---------------------------------------------------------------- reads

    def get_conversation(self, *, message_group_uuid: str) -> Conversation | None:
        """Strongly consistent. Until the table is backfilled, conversations of the old backend are derived
        from the group GSI; after, every conversation has its item and a missing one costs one GetItem."""
        conversation = self._stored_conversation(message_group_uuid)
        if conversation is None and not self.legacy.is_backfilled():
            conversation = self.legacy.conversation(message_group_uuid)
        return conversation

    def get_conversation_of_member(self, *, message_group_uuid: str, member_uuid: str) -> Conversation | None:
        """The conversation if `member_uuid` is one of its members, else None; from the conversation cache when
        it holds it (no DynamoDB call), marked `from_cache`.

        A missing conversation and someone else's cost the same calls, so a caller cannot tell them apart by
        time: a cache read and, after backfill, one GetItem each (someone else's is read even when cached);
        before backfill, the GSI search a missing one needs is made for someone else's too.
        """
        cached = self._cached_conversation(message_group_uuid)
        if cached is not None and cached.member(member_uuid) is not None:
            return cached
        conversation = self._stored_conversation(message_group_uuid)
        if conversation is not None and conversation.member(member_uuid) is not None:
            self._remember(conversation)
            return conversation
        if self.legacy.is_backfilled():
            return None
        legacy = self.legacy.conversation(message_group_uuid)
        return legacy if legacy is not None and legacy.member(member_uuid) is not None else None

    def _stored_conversation(self, message_group_uuid: str) -> Conversation | None:
        item = self.table.get(items.conversation_key(message_group_uuid))
        return items.conversation_from_item(item) if item is not None else None

    def _cached_conversation(self, message_group_uuid: str) -> Conversation | None:
        item = self.conversation_cache.get(message_group_uuid) if self.conversation_cache else None
        return replace(items.conversation_from_item(item), from_cache=True) if item is not None else None

    def _fresh_enough_to_write(self, conversation: Conversation, *, waited: bool = False) -> Conversation:
        """The conversation to base a write on: a cached one only from a cache every process writes through (read
        again if the write `waited` for its turn: the writer before it may have just moved it on); else as stored."""
        if not conversation.from_cache:
            return conversation
        if self.conversation_cache.shared:
            fresher = self._cached_conversation(conversation.message_group_uuid) if waited else None
            return fresher or conversation
        stored = self._stored_conversation(conversation.message_group_uuid)
        if stored is None:
            raise StoreNotFound(f"conversation {conversation.message_group_uuid} disappeared")
        return stored

    def _remember(self, conversation: Conversation) -> None:
        """The conversation as a committed write left it (or as read), for the next request of any process."""
        if self.conversation_cache is not None and not conversation.legacy:
            self.conversation_cache.set(conversation.message_group_uuid, items.conversation_item(conversation))

    def find_conversation_between(self, *, a_uuid: str, b_uuid: str) -> str | None:
        conversation = self._conversation_between(a_uuid, b_uuid)
        return conversation.message_group_uuid if conversation else None

    def list_groups(self, *, user_uuid: str, limit: int, before: str | None = None,
                    after: str | None = None) -> Page[MessageGroup]:
        """A user's conversations, newest first, without those hidden by a block (one Query unless hidden
        ones must be skipped to fill the page)."""
        return query_page(self.table, items.group_pk(user_uuid), limit, before, after,
                          decode=items.group_from_item, newest_first=True, visible_only=True)

    def list_messages(self, *, message_group_uuid: str, limit: int, before: str | None = None,
                      after: str | None = None) -> Page[Message]:
        """A page of a conversation's messages, oldest first (one Query)."""
        return query_page(self.table, items.message_pk(message_group_uuid), limit, before, after,
                          decode=items.message_from_item, newest_first=False)

    def groups_changed_after(self, *, user_uuid: str, after: str) -> list[MessageGroup]:
        """Every conversation of the user with a message stored after the time `after`, oldest change first:
        one Query of the user's group items (keyed by last message time), all its pages."""
        return [items.group_from_item(item) for item in self._all_after(items.group_pk(user_uuid), after)]

    def messages_after(self, *, message_group_uuid: str, after: str) -> list[Message]:
        """Every message of the conversation stored after the time `after`, oldest first (one Query, all pages)."""
        return [items.message_from_item(item) for item in self._all_after(items.message_pk(message_group_uuid), after)]

    def _all_after(self, pk: str, after: str) -> list[dict]:
        found = []
        for response in self.table.pages("query", KeyConditionExpression="pk = :pk AND sk > :after",
                                         ExpressionAttributeValues={":pk": items.S(pk), ":after": items.S(after)},
                                         ConsistentRead=True):
            found += response.get("Items", [])
        return found

    # ---------------------------------------------------------------- old-backend tables (store/legacy.py)

    def is_backfilled(self) -> bool:
        return self.legacy.is_backfilled()

    def backfill(self) -> BackfillReport:
        return self.legacy.backfill()

    def ping(self) -> None:
        """One strongly consistent read of a known key: StoreUnavailable or StoreNotFound unless the table answers."""
        self.table.get(items.BACKFILL_MARK_KEY)

    # ---------------------------------------------------------------- sends

    def send_to_user(self, *, sender: UserRef, recipient: UserRef, text: str,
                     receipt: IdempotencyReceipt | None = None) -> Message:
        """Start a conversation with `recipient`, or continue the one the two already have."""
        backoff = Backoff(self.retry_deadline_seconds)
        collided_at: str | None = None
        for attempt in itertools.count():
            conversation = self._conversation_between(sender.uuid, recipient.uuid)
            if conversation is not None:
                # The refs given are the caller's current names: they replace the copies the conversation holds.
                given = {sender.uuid: sender, recipient.uuid: recipient}
                conversation = replace(conversation, members=tuple(given.get(m.uuid, m) for m in conversation.members))
                return self.send_in_conversation(conversation=conversation, sender=sender, text=text, receipt=receipt)
            created_at = later_than(self.clock(), collided_at)
            message = Message(str(uuid.uuid4()), str(uuid.uuid4()), created_at, text, sender)
            members = {sender.uuid: recipient, recipient.uuid: sender}  # owner -> the other member
            unread = MemberState(read_state.NOTHING_READ, 0)
            states = {sender.uuid: read_state.after_own_send(unread, created_at=created_at),
                      recipient.uuid: read_state.after_received(unread)}
            started = Conversation(message.message_group_uuid, (sender, recipient), message.created_at,
                                   {m: message.created_at for m in members}, states=states)
            new_items = [
                ("pair", items.pair_item(sender.uuid, recipient.uuid, message.message_group_uuid)),
                ("conversation", items.conversation_item(started)),
                ("message", items.message_item(message)),
                ("lookup", items.lookup_item(message)),
                *[(f"group:{owner}", items.group_item(owner, created_at, message.message_group_uuid, other, text,
                                                      states[owner]))
                  for owner, other in members.items()],
            ]
            ops = [
                *[(label, put_new(self.table_name, item)) for label, item in new_items],
                *blocks.block_checks(self.table_name, sender.uuid, recipient.uuid),
                *self._receipt_ops(message, receipt),
            ]
            outcome = transact(self.table, ops)
            if outcome.committed:
                self._remember(started)
            sent = self._sent(outcome, message, receipt)
            if sent is not None:
                return sent
            # Lost the race to start this conversation, or a time collided: look again.
            collided_at = created_at
            backoff.pause(attempt)

    def send_in_conversation(self, *, conversation: Conversation, sender: UserRef, text: str,
                             receipt: IdempotencyReceipt | None = None) -> Message:
        """Store a message in an existing conversation; the caller checked that `sender` is a member, and its
        members' names are the ones the written items copy. The process's writers of one conversation take turns
        (store/turns.py)."""
        backoff = Backoff(self.retry_deadline_seconds)
        with self.turns.turn(conversation.message_group_uuid, backoff) as waited:
            return self._send_in_turn(conversation, sender, text, receipt, backoff, waited=waited)

    def _send_in_turn(self, given: Conversation, sender: UserRef, text: str, receipt: IdempotencyReceipt | None,
                      backoff: Backoff, *, waited: bool) -> Message:
        collided_at: str | None = None
        conversation = self._fresh_enough_to_write(given, waited=waited)
        for attempt in itertools.count():
            # Every state read here carries the stored copies of the names; the caller's are current.
            conversation = replace(conversation, members=given.members)
            if conversation.legacy:
                conversation, _ = self.legacy.adopt(conversation)
            states = self._states(conversation)
            # Later than every read position too: in stream mode `last_message_at` lags behind the messages.
            floor = max([conversation.last_message_at, *conversation.group_sks.values(), collided_at or "",
                         *(state.last_read_at for state in states.values())])
            created_at = later_than(self.clock(), floor)
            message = Message(conversation.message_group_uuid, str(uuid.uuid4()), created_at, text, sender)
            other = conversation.other_member(sender.uuid)
            counted = {sender.uuid: read_state.after_own_send(states[sender.uuid], created_at=created_at),
                       other.uuid: read_state.after_received(states[other.uuid])}
            ops = [("message", put_new(self.table_name, items.message_item(message))),
                   ("lookup", put_new(self.table_name, items.lookup_item(message)))]
            if self.group_updates == "inline":
                same_time = {m.uuid: message.created_at for m in conversation.members}
                ops += self._rekey_ops(conversation, message, same_time, counted)
                after = replace(conversation, last_message_at=created_at, group_sks=same_time, states=counted)
            else:
                # The stream handler re-keys later, and skips out-of-order records: the count cannot wait for it.
                ops += self._count_in_place_ops(conversation, sender, counted)
                after = replace(conversation, states=counted)
            ops += blocks.block_checks(self.table_name, sender.uuid, other.uuid)
            ops += self._receipt_ops(message, receipt)
            outcome = transact(self.table, ops)
            if outcome.committed:
                self._remember(after)
            sent = self._sent(outcome, message, receipt)
            if sent is not None:
                return sent
            collided_at = message.created_at
            backoff.pause(attempt)
            conversation = self._conversation_after(outcome, conversation.message_group_uuid)
            if conversation is None:
                raise StoreNotFound(f"conversation {message.message_group_uuid} disappeared")

    # ---------------------------------------------------------------- names (store/name_refresh.py)

    def refresh_names(self, *, resolve: NameResolver, only_user_uuid: str | None = None,
                      progress: ProgressReporter | None = None) -> NamesRefreshReport:
        return refresh_names(self.table, resolve=resolve, only_user_uuid=only_user_uuid, progress=progress)

    # ---------------------------------------------------------------- internals

    def _conversation_between(self, a_uuid: str, b_uuid: str) -> Conversation | None:
        message_group_uuid = items.pair_message_group_uuid(self.table.get(items.pair_key(a_uuid, b_uuid)))
        if message_group_uuid is None and not self.legacy.is_backfilled():
            message_group_uuid = self.legacy.message_group_between(a_uuid, b_uuid)
        return self.get_conversation(message_group_uuid=message_group_uuid) if message_group_uuid else None

    def _rekey_ops(self, conversation: Conversation, message: Message, group_sks: dict[str, str],
                   states: dict[str, MemberState]) -> list[LabelledOp]:
        """Move both members' group items to the new message with their states, guarded by the conversation's
        last time and both members' revs."""
        sender, other = message.sender, conversation.other_member(message.sender.uuid)
        writes = [MemberWrite(member, group_sks[member.uuid], states[member.uuid]) for member in (sender, other)]
        ops = [conversation_update(self.table_name, conversation, writes, last_message_at=message.created_at)]
        for owner, shown in ((sender.uuid, other), (other.uuid, sender)):
            old_sk = conversation.group_sks.get(owner)
            if old_sk:
                ops.append((f"old-group:{owner}", delete(self.table_name, items.key(items.group_pk(owner), old_sk))))
            moved = items.group_item(owner, group_sks[owner], conversation.message_group_uuid, shown, message.text,
                                     states[owner])
            ops.append((f"group:{owner}", put_new(self.table_name, moved)))
        return ops

    def _count_in_place_ops(self, conversation: Conversation, sender: UserRef,
                            states: dict[str, MemberState]) -> list[LabelledOp]:
        """Stream mode's send: both members' new states on the conversation item and their current group items."""
        members = (sender, conversation.other_member(sender.uuid))
        writes = [MemberWrite(member, conversation.group_sks[member.uuid], states[member.uuid]) for member in members]
        return [conversation_update(self.table_name, conversation, writes, same_group_sks=True),
                *[group_state_update(self.table_name, member.uuid, conversation.group_sks[member.uuid],
                                     states[member.uuid]) for member in members]]

    def _receipt_ops(self, message: Message, receipt: IdempotencyReceipt | None) -> list[LabelledOp]:
        if receipt is None:
            return []
        now = int(self.clock().timestamp())
        item = items.receipt_item(message.sender.uuid, receipt, message, expires_at=now + RECEIPT_TTL_SECONDS)
        return [("receipt", {"Put": {
            "TableName": self.table_name, "Item": item,
            # An expired receipt may linger until DynamoDB's TTL sweep removes it.
            "ConditionExpression": "attribute_not_exists(pk) OR expires_at < :now",
            "ExpressionAttributeValues": {":now": {"N": str(now)}},
        }})]

    def _sent(self, outcome: Outcome, message: Message, receipt: IdempotencyReceipt | None) -> Message | None:
        """The stored message, or the first result of a retried send; None if the attempt lost a race."""
        if outcome.committed:
            return message
        if "receipt" in outcome.failed:
            # A retry of a send that was stored (before any block) answers as it did then.
            replayed = self._replay(message.sender.uuid, receipt)
            if replayed is not None:
                return replayed
        if blocks.failed_block_check(outcome.failed):
            raise RecipientUnavailable("a block stands between sender and recipient")
        return None

    def _conversation_after(self, outcome: Outcome, message_group_uuid: str) -> Conversation | None:
        """The conversation after a lost race: as the cancelled transaction returned it (and so into the cache,
        whose entry lost the race too: two writers' entries may land out of order), else read again."""
        item = outcome.current_items.get("conversation")
        if not item:
            return self.get_conversation(message_group_uuid=message_group_uuid)
        conversation = items.conversation_from_item(item)
        self._remember(conversation)
        return conversation

    def _replay(self, sender_uuid: str, receipt: IdempotencyReceipt) -> Message | None:
        stored = self.table.get(items.receipt_key(sender_uuid, receipt.key))
        if stored is None:
            return None  # expired and swept between our write and this read: send again
        if stored["request_hash"]["S"] != receipt.request_hash:
            raise IdempotencyKeyReused("this Idempotency-Key was used for a different message")
        return items.message_from_receipt(stored)
