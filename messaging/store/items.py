"""Item shapes, byte-compatible with the old backend (exact attribute names, all strings).

| item          | pk                      | sk        |
| message group | GRP#<member uuid>       | last message time |
| message       | MSG#<message group>     | created time      |
| conversation  | CONV#<message group>    | CONV      |
| pair          | PAIR#<lower>#<higher>   | PAIR      |
| send receipt  | IDEM#<sender>#<key>     | IDEM      |
| message lookup| MSGID#<message uuid>    | MSGID     |
| backfill mark | META#backfill           | META      |
| block         | BLOCK#<blocker uuid>    | blocked uuid      |

A member who blocks the other member hides the conversation from their own list: their group item and
their entry in the conversation item's member map carry `hidden: true` (BOOL) while the block lasts.

Only group items carry `message_group_uuid`, so only they appear in the GSI.
"""
from messaging.store.models import (
    BlockedUser,
    Conversation,
    IdempotencyReceipt,
    Message,
    MessageGroup,
    MessageLookup,
    UserRef,
)
from messaging.store.read_state import MemberState


def S(value: str) -> dict:
    return {"S": value}


def N(value: int) -> dict:
    return {"N": str(value)}


def key(pk: str, sk: str) -> dict:
    return {"pk": S(pk), "sk": S(sk)}


def group_pk(user_uuid: str) -> str:
    return f"GRP#{user_uuid}"


def message_pk(message_group_uuid: str) -> str:
    return f"MSG#{message_group_uuid}"


def conversation_key(message_group_uuid: str) -> dict:
    return key(f"CONV#{message_group_uuid}", "CONV")


def pair_key(a_uuid: str, b_uuid: str) -> dict:
    low, high = sorted((a_uuid, b_uuid))
    return key(f"PAIR#{low}#{high}", "PAIR")


def pair_item(a_uuid: str, b_uuid: str, message_group_uuid: str) -> dict:
    # The attribute keeps the name the first version stored it under.
    return {**pair_key(a_uuid, b_uuid), "conversation_uuid": S(message_group_uuid)}


def pair_message_group_uuid(item: dict | None) -> str | None:
    """The conversation a pair item points to; None for no item."""
    return item["conversation_uuid"]["S"] if item else None


def receipt_key(sender_uuid: str, idempotency_key: str) -> dict:
    return key(f"IDEM#{sender_uuid}#{idempotency_key}", "IDEM")


BACKFILL_MARK_KEY = key("META#backfill", "META")

HIDDEN = "hidden"  # on a group item and a member map entry: the owner blocks the other member


def block_pk(blocker_uuid: str) -> str:
    return f"BLOCK#{blocker_uuid}"


def block_key(blocker_uuid: str, blocked_uuid: str) -> dict:
    return key(block_pk(blocker_uuid), blocked_uuid)


def block_item(blocker_uuid: str, blocked_uuid: str, blocked_at: str) -> dict:
    # No `message_group_uuid`: blocks stay out of the group GSI.
    return {**block_key(blocker_uuid, blocked_uuid), "blocked_at": S(blocked_at)}


def blocked_from_item(item: dict) -> BlockedUser:
    return BlockedUser(uuid=text(item, "sk"), blocked_at=text(item, "blocked_at"))


def text(item: dict, name: str) -> str:
    """A string attribute of an item in the low-level format; empty when absent."""
    return item.get(name, {}).get("S", "")


def _user_attributes(user: UserRef) -> dict:
    return {
        "user_uuid": S(user.uuid),
        "user_display_name": S(user.display_name),
        "user_handle": S(user.handle),
    }


def _user_from(item: dict) -> UserRef:
    return UserRef(text(item, "user_uuid"), text(item, "user_handle"), text(item, "user_display_name"))


def message_item(message: Message) -> dict:
    return {
        **key(message_pk(message.message_group_uuid), message.created_at),
        "message_uuid": S(message.uuid),
        "message": S(message.text),
        **_user_attributes(message.sender),
    }


def is_deleted(message: dict) -> bool:
    """A deleted message keeps its item with empty text; it no longer counts as unread."""
    return message.get("deleted", {}).get("BOOL", False)


def message_from_item(item: dict) -> Message:
    return Message(
        message_group_uuid=text(item, "pk").removeprefix("MSG#"),
        uuid=text(item, "message_uuid"),
        created_at=text(item, "sk"),
        text=text(item, "message"),
        sender=_user_from(item),
        # Added by an edit or a delete; messages never changed (and the old backend's) lack them.
        edited_at=text(item, "edited_at") or None,
        deleted=is_deleted(item),
    )


def lookup_key(message_uuid: str) -> dict:
    return key(f"MSGID#{message_uuid}", "MSGID")


def lookup_item(message: Message) -> dict:
    """Written with the message, so that a message is found by its uuid with one GetItem."""
    return {
        **lookup_key(message.uuid),
        # Not `message_group_uuid`: that attribute would put the lookup item into the group GSI.
        "lookup_group_uuid": S(message.message_group_uuid),
        "message_sk": S(message.created_at),
        "sender_uuid": S(message.sender.uuid),
    }


def lookup_from_item(item: dict) -> MessageLookup:
    return MessageLookup(
        message_group_uuid=text(item, "lookup_group_uuid"),
        message_uuid=text(item, "pk").removeprefix("MSGID#"),
        created_at=text(item, "message_sk"),
        sender_uuid=text(item, "sender_uuid"),
    )


def group_item(owner_uuid: str, sort_key: str, message_group_uuid: str, other: UserRef, last_message: str,
               state: MemberState | None = None) -> dict:
    """The group item in `owner`'s list; the user attributes describe the *other* member, the read state is
    the owner's (a copy of the conversation item's, so that a list is one Query)."""
    return {
        **key(group_pk(owner_uuid), sort_key),
        "message_group_uuid": S(message_group_uuid),
        "message": S(last_message),
        **_user_attributes(other),
        **(group_state_attributes(state) if state is not None else {}),
    }


def group_state_attributes(state: MemberState) -> dict:
    """The owner's read state as the group item carries it."""
    return {"unread_count": N(state.unread), "last_read_at": S(state.last_read_at), "muted": {"BOOL": state.muted},
            # Only while the owner blocks the other member, so an item otherwise keeps its shape.
            **({HIDDEN: {"BOOL": True}} if state.hidden else {})}


def group_from_item(item: dict) -> MessageGroup:
    return MessageGroup(
        uuid=text(item, "message_group_uuid"),
        other=_user_from(item),
        last_message=text(item, "message"),
        last_message_at=text(item, "sk"),
        unread_count=int(item.get("unread_count", {}).get("N", "0")),
        muted=item.get("muted", {}).get("BOOL", False),
    )


def group_owner(item: dict) -> str:
    return text(item, "pk").removeprefix("GRP#")


def member_value(member: UserRef, group_sk: str, state: MemberState | None = None) -> dict:
    """A member's entry in the conversation item's `members` map: names, group item `sk`, read state, and
    `hidden` only while the member blocks the other."""
    value = {"handle": S(member.handle), "display_name": S(member.display_name), "group_sk": S(group_sk)}
    if state is not None:
        value |= {"last_read_at": S(state.last_read_at), "unread": N(state.unread), "muted": {"BOOL": state.muted},
                  "rev": N(state.rev or 0)}
        if state.hidden:
            value[HIDDEN] = {"BOOL": True}
    return {"M": value}


def member_state_from(value: dict) -> MemberState | None:
    """A member map's read state; None when it has none (written before read state)."""
    if "rev" not in value:
        return None
    return MemberState(text(value, "last_read_at"), int(value["unread"]["N"]), value["muted"]["BOOL"],
                       int(value["rev"]["N"]), is_hidden(value))


def is_hidden(value: dict) -> bool:
    """Whether a group item, or a member map entry, is hidden from its owner's list."""
    return value.get(HIDDEN, {}).get("BOOL", False)


def conversation_item(conversation: Conversation) -> dict:
    return {
        **conversation_key(conversation.message_group_uuid),
        "last_message_at": S(conversation.last_message_at),
        "members": {"M": {
            m.uuid: member_value(m, conversation.group_sks[m.uuid], conversation.states.get(m.uuid))
            for m in conversation.members
        }},
    }


def conversation_from_item(item: dict) -> Conversation:
    members = item["members"]["M"]
    refs = tuple(
        UserRef(uuid, text(value["M"], "handle"), text(value["M"], "display_name"))
        for uuid, value in sorted(members.items())
    )
    return Conversation(
        message_group_uuid=text(item, "pk").removeprefix("CONV#"),
        members=refs,
        last_message_at=text(item, "last_message_at"),
        group_sks={uuid: text(value["M"], "group_sk") for uuid, value in members.items()},
        states={uuid: state for uuid, value in members.items() if (state := member_state_from(value["M"]))},
    )


def receipt_item(sender_uuid: str, receipt: IdempotencyReceipt, message: Message, expires_at: int) -> dict:
    return {
        **receipt_key(sender_uuid, receipt.key),
        "request_hash": S(receipt.request_hash),
        # Not `message_group_uuid`: that attribute would put the receipt into the group GSI.
        "receipt_group_uuid": S(message.message_group_uuid),
        "message_uuid": S(message.uuid),
        "created_at": S(message.created_at),
        "message": S(message.text),
        **_user_attributes(message.sender),
        "expires_at": {"N": str(expires_at)},
    }


def message_from_receipt(item: dict) -> Message:
    return Message(
        message_group_uuid=text(item, "receipt_group_uuid"),
        uuid=text(item, "message_uuid"),
        created_at=text(item, "created_at"),
        text=text(item, "message"),
        sender=_user_from(item),
    )
