"""The store's read-state operations (mixed into MessageStore): mark-read, mute, the unread summary, an
operator's recount write, and each member's state as stored or derived for old data.

Every write goes through `_write_member_state`: the member's new state on the conversation item and their group
item in one transaction, guarded by the conversation's `last_message_at` and the member's `rev`, retried with the
conversation the cancelled transaction returned. A change that changes nothing writes nothing.
"""
import itertools
from collections.abc import Callable
from dataclasses import replace

from messaging.store import items, read_state
from messaging.store.calls import Backoff, Table
from messaging.store.errors import StoreNotFound
from messaging.store.legacy import LegacyConversations
from messaging.store.member_writes import state_write_ops
from messaging.store.models import Conversation, ReadPosition, UnreadSummary
from messaging.store.read_state import MemberState
from messaging.store.transactions import transact


class ReadStateOps:
    table: Table
    table_name: str
    legacy: LegacyConversations
    group_updates: str
    retry_deadline_seconds: float

    def mark_read(self, *, conversation: Conversation, member_uuid: str, up_to: str | None = None) -> ReadPosition:
        """Move the member's read position forward to `up_to` (default and at most: the newest message).

        Writes nothing when the position would not move forward. Reading to the newest message is one
        transaction; an older `up_to` also counts the other member's messages after it (one paginated Query).
        """
        def read(current: Conversation, state: MemberState) -> MemberState | None:
            newest = self._newest_message_at(current)
            target = newest if up_to is None else min(up_to, newest)
            if target <= state.last_read_at:
                return None
            if target == newest:
                return state.written(last_read_at=target, unread=0)
            senders = self.message_senders(message_group_uuid=current.message_group_uuid, after=target)
            return state.written(last_read_at=target,
                                 unread=read_state.count_unread(senders, member_uuid=member_uuid, last_read_at=target))

        state = self._write_member_state(conversation, member_uuid, read)
        return ReadPosition(conversation.message_group_uuid, state.last_read_at, state.unread)

    def set_muted(self, *, conversation: Conversation, member_uuid: str, muted: bool) -> MemberState:
        """Mute or unmute the conversation for the member; muting a muted one writes nothing. The member's state
        as it now is."""
        def mute(current: Conversation, state: MemberState) -> MemberState | None:
            return None if state.muted == muted else state.written(muted=muted)

        return self._write_member_state(conversation, member_uuid, mute)

    def unread_summary(self, *, user_uuid: str) -> UnreadSummary:
        """The unread total over the user's unmuted conversations and how many have any (one paginated Query);
        conversations hidden by a block count nothing."""
        total = conversations = 0
        for page in self.table.pages("query", KeyConditionExpression="pk = :pk",
                                     ExpressionAttributeValues={":pk": items.S(items.group_pk(user_uuid))},
                                     # `hidden` is one of DynamoDB's reserved words.
                                     ProjectionExpression="unread_count, muted, #hidden",
                                     ExpressionAttributeNames={"#hidden": items.HIDDEN}, ConsistentRead=True):
            for item in page.get("Items", []):
                unread = int(item.get("unread_count", {}).get("N", "0"))
                if unread and not item.get("muted", {}).get("BOOL", False) and not items.is_hidden(item):
                    total, conversations = total + unread, conversations + 1
        return UnreadSummary(total, conversations)

    def store_member_state(self, *, conversation: Conversation, member_uuid: str, state: MemberState) -> bool:
        """Write a member's state as computed by an operator's recount, unless the conversation or that member's
        state changed since `conversation` was read (False: read it again and recount)."""
        outcome = transact(self.table, state_write_ops(self.table_name, conversation, member_uuid, state))
        return outcome.committed

    def message_senders(self, *, message_group_uuid: str, after: str | None = None):
        """(created_at, sender uuid) of the conversation's messages that count (those after `after`; not the
        deleted ones), every page."""
        condition, values = "pk = :pk", {":pk": items.S(items.message_pk(message_group_uuid))}
        if after is not None:
            condition += " AND sk > :after"
            values[":after"] = items.S(after)
        for page in self.table.pages("query", KeyConditionExpression=condition, ExpressionAttributeValues=values,
                                     ProjectionExpression="sk, user_uuid, deleted", ConsistentRead=True):
            for item in page.get("Items", []):
                if not items.is_deleted(item):
                    yield items.text(item, "sk"), items.text(item, "user_uuid")

    def _write_member_state(self, conversation: Conversation, member_uuid: str,
                            change: Callable[[Conversation, MemberState], MemberState | None]) -> MemberState:
        """Apply `change` to the member's current state and store it (no write when it returns None), retrying
        lost races with the conversation the cancelled transaction returned."""
        backoff = Backoff(self.retry_deadline_seconds)
        conversation = self._fresh_enough_to_write(conversation)
        for attempt in itertools.count():
            if conversation.legacy:
                conversation, _ = self.legacy.adopt(conversation)
            state = self._states(conversation)[member_uuid]
            changed = change(conversation, state)
            if changed is None and conversation.from_cache:
                # "Nothing to write" is decided on the stored state: a cached one may be behind.
                conversation = self._stored_conversation(conversation.message_group_uuid)
                if conversation is None:
                    raise StoreNotFound("the conversation disappeared")
                continue
            if changed is None:
                return state
            outcome = transact(self.table, state_write_ops(self.table_name, conversation, member_uuid, changed))
            if outcome.committed:
                self._remember(replace(conversation, states={**conversation.states, member_uuid: changed}))
                return changed
            backoff.pause(attempt)
            conversation = self._conversation_after(outcome, conversation.message_group_uuid)
            if conversation is None:
                raise StoreNotFound("the conversation disappeared")

    def _newest_message_at(self, conversation: Conversation) -> str:
        """The newest message's time: the conversation's `last_message_at`, except in stream mode, where that
        follows the stream handler, so the messages are asked (one Query)."""
        if self.group_updates == "inline":
            return conversation.last_message_at
        response = self.table.call("query", TableName=self.table_name, KeyConditionExpression="pk = :pk",
                                   ExpressionAttributeValues={
                                       ":pk": items.S(items.message_pk(conversation.message_group_uuid))},
                                   ProjectionExpression="sk", ScanIndexForward=False, Limit=1, ConsistentRead=True)
        found = response.get("Items", [])
        return max(conversation.last_message_at, found[0]["sk"]["S"] if found else "")

    def _states(self, conversation: Conversation) -> dict[str, MemberState]:
        """Both members' read states; a member with none stored gets it derived from the messages (one
        paginated Query, once per conversation from before read state)."""
        states = dict(conversation.states)
        missing = [member.uuid for member in conversation.members if member.uuid not in states]
        if missing:
            messages = list(self.message_senders(message_group_uuid=conversation.message_group_uuid))
            states |= {member: read_state.derived_state(messages, member_uuid=member) for member in missing}
        return states
