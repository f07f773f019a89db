"""Stream mode's re-keying (mixed into MessageStore): the stream handler moves both group items to a stored
message after the request, whose transaction counted the message but left the group items where they were
(store.py's send)."""
import itertools
import logging

from messaging.store import items
from messaging.store.calls import Backoff, Table
from messaging.store.legacy import LegacyConversations
from messaging.store.models import Message
from messaging.store.timefmt import next_microsecond
from messaging.store.transactions import LabelledOp, transact

logger = logging.getLogger(__name__)


class StreamRekeyOps:
    table: Table
    table_name: str
    legacy: LegacyConversations
    retry_deadline_seconds: float

    def apply_message_to_groups(self, *, message: Message) -> bool:
        """Re-key both group items for a stored message (stream mode); False if nothing to do.

        Idempotent and order-independent: a message older than or equal to the conversation's
        last one changes nothing, so repeated and out-of-order stream records are harmless.
        """
        backoff = Backoff(self.retry_deadline_seconds)
        group_sks: dict[str, str] = {}
        conversation = self.get_conversation(message_group_uuid=message.message_group_uuid)
        for attempt in itertools.count():
            if conversation is None:
                logger.warning("message %s is in no known conversation", message.uuid)
                return False
            if conversation.legacy:
                conversation, _ = self.legacy.adopt(conversation)
            if message.created_at <= conversation.last_message_at:
                return False
            # The counts are the send's; the re-key copies them (a state never stored gets its first rev).
            states = {member: state if state.rev is not None else state.written()
                      for member, state in self._states(conversation).items()}
            for member in conversation.members:
                group_sks.setdefault(member.uuid, message.created_at)
                current = conversation.group_sks.get(member.uuid, "")
                if group_sks[member.uuid] <= current:  # its item was itself moved a microsecond on
                    group_sks[member.uuid] = next_microsecond(current)
            outcome = transact(self.table, [*self._rekey_ops(conversation, message, group_sks, states),
                                            self._text_unchanged_op(message)])
            if outcome.committed:
                return True
            if "message-text" in outcome.failed:
                # Edited or deleted since the record was written: the group items show the text it has now.
                current = outcome.current_items.get("message-text")
                if current is None:
                    logger.warning("message %s is no longer stored", message.uuid)
                    return False
                message = items.message_from_item(current)
            # A member's list already has an item at this time (another conversation): the
            # message time is fixed here, so that member's group item moves one microsecond on.
            for member in conversation.members:
                if f"group:{member.uuid}" in outcome.failed:
                    group_sks[member.uuid] = next_microsecond(group_sks[member.uuid])
            backoff.pause(attempt)
            conversation = self._conversation_after(outcome, message.message_group_uuid)

    def _text_unchanged_op(self, message: Message) -> LabelledOp:
        """A stream record carries the text as sent; an edit (store/edits.py) may have changed it since."""
        return ("message-text", {"ConditionCheck": {
            "TableName": self.table_name,
            "Key": items.key(items.message_pk(message.message_group_uuid), message.created_at),
            "ConditionExpression": "message = :text",
            "ExpressionAttributeValues": {":text": items.S(message.text)},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }})
