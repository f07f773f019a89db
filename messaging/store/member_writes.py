"""The member-state parts of the store's transactions: the conversation item's update, guarded by each written
member's `rev` (and the conversation's `last_message_at`), and the in-place copy of a state onto a group item.

Every write of a member's read state (send, mark-read, mute, the stream handler's re-key, recount) goes through
`conversation_update`, so a write that read an older state than the one stored loses its condition and retries.
"""
from dataclasses import dataclass

from messaging.store import items
from messaging.store.models import Conversation, UserRef
from messaging.store.read_state import MemberState
from messaging.store.transactions import LabelledOp


@dataclass(frozen=True)
class MemberWrite:
    """What a transaction stores for one member in the conversation item's `members` map."""

    member: UserRef
    group_sk: str
    state: MemberState


def conversation_update(table_name: str, conversation: Conversation, writes: list[MemberWrite], *,
                        last_message_at: str | None = None, same_group_sks: bool = False) -> LabelledOp:
    """Update the conversation item: each written member's map, and `last_message_at` when given.

    Conditioned on the `last_message_at` and each written member's `rev` as `conversation` holds them (an
    absent rev: never written), and with `same_group_sks` on their group item `sk` too (a write that updates
    the group item in place must find it where it was read). A lost condition returns the item as it now is.
    """
    names: dict[str, str] = {}
    values = {":previous": items.S(conversation.last_message_at)}
    sets, conditions = [], ["last_message_at = :previous"]
    if last_message_at is not None:
        sets.append("last_message_at = :t")
        values[":t"] = items.S(last_message_at)
    for n, write in enumerate(writes):
        uuid = write.member.uuid
        names[f"#m{n}"] = uuid
        sets.append(f"members.#m{n} = :m{n}")
        values[f":m{n}"] = items.member_value(write.member, write.group_sk, write.state)
        read = conversation.states.get(uuid)
        if read is None or read.rev is None:
            conditions.append(f"attribute_not_exists(members.#m{n}.rev)")
        else:
            conditions.append(f"members.#m{n}.rev = :rev{n}")
            values[f":rev{n}"] = items.N(read.rev)
        if same_group_sks:
            conditions.append(f"members.#m{n}.group_sk = :gsk{n}")
            values[f":gsk{n}"] = items.S(conversation.group_sks[uuid])
    return ("conversation", {"Update": {
        "TableName": table_name,
        "Key": items.conversation_key(conversation.message_group_uuid),
        "UpdateExpression": "SET " + ", ".join(sets),
        "ConditionExpression": " AND ".join(conditions),
        # A lost race returns the conversation as it now is, so the retry needs no GetItem.
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }})


def group_state_update(table_name: str, owner_uuid: str, group_sk: str, state: MemberState) -> LabelledOp:
    """Copy the owner's state onto their current group item, in place (it must be there)."""
    attributes = items.group_state_attributes(state)
    return (f"group:{owner_uuid}", {"Update": {
        "TableName": table_name,
        "Key": items.key(items.group_pk(owner_uuid), group_sk),
        "UpdateExpression": "SET " + ", ".join(f"#{name} = :{name}" for name in attributes)
                            + ("" if state.hidden else f" REMOVE #{items.HIDDEN}"),
        "ConditionExpression": "attribute_exists(pk)",
        # Names through placeholders: `hidden` is one of DynamoDB's reserved words.
        "ExpressionAttributeNames": {f"#{name}": name for name in [*attributes, items.HIDDEN]},
        "ExpressionAttributeValues": {f":{name}": value for name, value in attributes.items()},
    }})


def state_write_ops(table_name: str, conversation: Conversation, member_uuid: str,
                    state: MemberState) -> list[LabelledOp]:
    """One member's new state (mark-read, mute, recount): the conversation item and their group item."""
    group_sk = conversation.group_sks[member_uuid]
    write = MemberWrite(conversation.member(member_uuid), group_sk, state)
    return [conversation_update(table_name, conversation, [write], same_group_sks=True),
            group_state_update(table_name, member_uuid, group_sk, state)]
