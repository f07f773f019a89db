"""Editing and deleting a message, with the conversation list and the unread counts following atomically.

A message is found by its uuid through its lookup item (`MSGID#<message uuid>`, written in the send's
transaction): one GetItem, then the conversation item (one GetItem), then one TransactWriteItems:

- the message item: the new text and `edited_at`, or empty text and `deleted`; never a deleted one;
- when the message is the conversation's last, both members' group items (keys from the conversation's
  recorded `group_sk`s) show the new or empty text, conditioned on the conversation's `last_message_at`
  still being that message's time: a concurrent send wins, the edit retries and finds it is no longer the
  last, so a group item never shows an older message. In stream mode a message the stream has not yet
  applied is newer than `last_message_at`; the same condition makes such an edit retry if the stream
  applies it meanwhile, and the stream's re-keying checks the message text it shows (store.py);
- a delete of a message the other member had not read lowers their unread count (`_unread_step`).

Messages of the old backend have no lookup item. Finding one would take a Query of the conversation's
messages filtered on `message_uuid`, a scan of the whole conversation, so they are not found (the
caller answers 404): they can be neither edited nor deleted.
"""
import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from messaging.store import items
from messaging.store.calls import Backoff
from messaging.store.errors import StoreError
from messaging.store.models import Message, MessageLookup, UserRef
from messaging.store.store import MessageStore
from messaging.store.timefmt import format_time, parse_time
from messaging.store.transactions import LabelledOp, Outcome, transact

NOT_DELETED = "attribute_exists(pk) AND (attribute_not_exists(deleted) OR deleted = :false)"


class MessageNotFound(StoreError):
    """No such message in this conversation, or not the caller's own."""


class MessageDeleted(StoreError):
    """The message was deleted: it cannot be edited."""


class EditWindowClosed(StoreError):
    """The message is older than the edit window."""


@dataclass
class _ItemUpdate:
    """One item's part of a transaction: SET clauses and conditions, gathered from several rules."""

    key: dict
    sets: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)
    return_old: bool = False

    def op(self, table_name: str) -> dict | None:
        """An Update, a ConditionCheck when there is nothing to set, or None when neither is needed."""
        if not self.sets and not self.conditions:
            return None
        body = {"TableName": table_name, "Key": self.key}
        if self.conditions:
            body["ConditionExpression"] = " AND ".join(f"({c})" for c in self.conditions)
        if self.names:
            body["ExpressionAttributeNames"] = self.names
        if self.values:
            body["ExpressionAttributeValues"] = self.values
        if self.return_old:
            body["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if not self.sets:
            return {"ConditionCheck": body}
        return {"Update": {**body, "UpdateExpression": "SET " + ", ".join(self.sets)}}


class MessageEdits:
    """Edits and deletes through a store's table, clock and retry deadline."""

    def __init__(self, store: MessageStore):
        self.store = store
        self.table = store.table
        self.table_name = store.table_name

    def own_message(self, *, message_group_uuid: str, message_uuid: str, author_uuid: str) -> Message:
        """The author's own message as stored now (two GetItems), for a page that shows it before a change."""
        lookup = self._own_message(message_group_uuid, message_uuid, author_uuid)
        item = self.table.get(_message_key(lookup))
        if item is None:
            raise MessageNotFound(f"message {message_uuid} is not stored")
        return items.message_from_item(item)

    def edit(self, *, message_group_uuid: str, message_uuid: str, author: UserRef, text: str,
             window: timedelta) -> Message:
        """Replace the text of the author's own message, within `window` of its sending."""
        lookup = self._own_message(message_group_uuid, message_uuid, author.uuid)
        now = self.store.clock()
        if now - parse_time(lookup.created_at) > window:
            raise EditWindowClosed(f"message {message_uuid} is older than {window}")
        edited_at = format_time(now)
        if not self._change(lookup, {"message": text, "edited_at": edited_at}, shown_text=text, lower_unread=False):
            raise MessageDeleted(f"message {message_uuid} was deleted")
        return Message(message_group_uuid, message_uuid, lookup.created_at, text, author, edited_at=edited_at)

    def delete(self, *, message_group_uuid: str, message_uuid: str, author: UserRef) -> MessageLookup:
        """Withdraw the author's own message: its item stays, with empty text and `deleted`.

        Deleting a deleted message writes nothing and answers the same.
        """
        lookup = self._own_message(message_group_uuid, message_uuid, author.uuid)
        self._change(lookup, {"message": "", "deleted": True}, shown_text="", lower_unread=True)
        return lookup

    # ---------------------------------------------------------------- internals

    def _own_message(self, message_group_uuid: str, message_uuid: str, author_uuid: str) -> MessageLookup:
        item = self.table.get(items.lookup_key(message_uuid))
        lookup = items.lookup_from_item(item) if item is not None else None
        # Someone else's message answers as a missing one: the caller cannot tell them apart.
        if lookup is None or lookup.message_group_uuid != message_group_uuid or lookup.sender_uuid != author_uuid:
            raise MessageNotFound(f"no message {message_uuid} of {author_uuid} in {message_group_uuid}")
        return lookup

    def _change(self, lookup: MessageLookup, message_sets: dict, *, shown_text: str, lower_unread: bool) -> bool:
        """Write the change; False (nothing written) if the message was already deleted."""
        backoff = Backoff(self.store.retry_deadline_seconds)
        conversation_item = self.table.get(items.conversation_key(lookup.message_group_uuid))
        for attempt in itertools.count():
            if conversation_item is None or lookup.sender_uuid not in conversation_item["members"]["M"]:
                raise MessageNotFound(f"no conversation {lookup.message_group_uuid} of {lookup.sender_uuid}")
            outcome = transact(self.table, self._ops(lookup, conversation_item, message_sets, shown_text,
                                                     lower_unread))
            if outcome.committed:
                return True
            if "message" in outcome.failed:
                return False
            # The conversation moved on (a send, a read): decide again from it as it is now.
            backoff.pause(attempt)
            conversation_item = self._conversation_after(outcome, lookup)

    def _conversation_after(self, outcome: Outcome, lookup: MessageLookup) -> dict | None:
        return outcome.current_items.get("conversation") or self.table.get(
            items.conversation_key(lookup.message_group_uuid))

    def _ops(self, lookup: MessageLookup, conversation_item: dict, message_sets: dict, shown_text: str,
             lower_unread: bool) -> list[LabelledOp]:
        message = _ItemUpdate(_message_key(lookup), conditions=[NOT_DELETED], values={":false": {"BOOL": False}})
        for number, (name, value) in enumerate(message_sets.items()):
            message.sets.append(f"#m{number} = :m{number}")
            message.names[f"#m{number}"] = name
            message.values[f":m{number}"] = {"BOOL": value} if isinstance(value, bool) else items.S(value)
        conversation = _ItemUpdate(items.conversation_key(lookup.message_group_uuid), return_old=True)
        group_sks = {uuid: items.text(value["M"], "group_sk")
                     for uuid, value in conversation_item["members"]["M"].items()}
        groups = {owner: _ItemUpdate(items.key(items.group_pk(owner), sk), conditions=["attribute_exists(pk)"])
                  for owner, sk in group_sks.items()}

        _conversation_list_step(lookup, conversation_item, shown_text, conversation, groups)
        if lower_unread:
            _unread_step(lookup, conversation_item, conversation, groups)

        labelled = [("message", message), ("conversation", conversation),
                    *[(f"group:{owner}", update) for owner, update in groups.items() if update.sets]]
        return [(label, op) for label, update in labelled if (op := update.op(self.table_name)) is not None]


def _message_key(lookup: MessageLookup) -> dict:
    return items.key(items.message_pk(lookup.message_group_uuid), lookup.created_at)


def _conversation_list_step(lookup: MessageLookup, conversation_item: dict, shown_text: str,
                            conversation: _ItemUpdate, groups: dict[str, _ItemUpdate]) -> None:
    """Both members' group items show the new text when the message is the conversation's last.

    An older message can never become the last again; a newer one (stream mode, not yet applied) can, so
    for both the last and a newer one the write is conditioned on the `last_message_at` read.
    """
    last_message_at = items.text(conversation_item, "last_message_at")
    if lookup.created_at < last_message_at:
        return
    conversation.conditions.append("last_message_at = :last_message_at")
    conversation.values[":last_message_at"] = items.S(last_message_at)
    if lookup.created_at == last_message_at:
        for group in groups.values():
            group.sets.append("message = :shown")
            group.values[":shown"] = items.S(shown_text)


def _unread_step(lookup: MessageLookup, conversation_item: dict, conversation: _ItemUpdate,
                 groups: dict[str, _ItemUpdate]) -> None:
    """A deleted message the other member had not read stops counting in their unread count.

    Read state (when present) is per member in the conversation item's member map: `last_read_at` (the
    newest message read), `unread` (N), `rev` (N, bumped on every change of that member's read state),
    copied onto the member's group item as `unread_count`. The message counts as unread when it is after
    `last_read_at` (or nothing was read). The new count is written to both items, conditioned on the `rev`
    and `unread` read, so a concurrent read or send makes the delete retry with fresh counts. Without read
    state on the conversation the step writes nothing, conditioned on the state still being absent.
    """
    reader = next(uuid for uuid in conversation_item["members"]["M"] if uuid != lookup.sender_uuid)
    state = conversation_item["members"]["M"][reader]["M"]
    if "unread" not in state:
        conversation.names["#reader"] = reader
        conversation.conditions.append("attribute_not_exists(members.#reader.unread)")
        return
    unread = int(state["unread"]["N"])
    if lookup.created_at <= items.text(state, "last_read_at") or unread == 0:
        return
    conversation.names["#reader"] = reader
    if "rev" in state:
        conversation.conditions.append("members.#reader.rev = :rev")
        conversation.values[":rev"] = state["rev"]
        next_rev = int(state["rev"]["N"]) + 1
    else:
        conversation.conditions.append("attribute_not_exists(members.#reader.rev)")
        next_rev = 1
    conversation.conditions.append("members.#reader.unread = :unread")
    conversation.sets += ["members.#reader.unread = :lowered", "members.#reader.rev = :next_rev"]
    conversation.values.update({":unread": state["unread"], ":lowered": {"N": str(unread - 1)},
                                ":next_rev": {"N": str(next_rev)}})
    groups[reader].sets.append("unread_count = :lowered")
    groups[reader].values[":lowered"] = {"N": str(unread - 1)}
