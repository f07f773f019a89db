"""The whole table read consistently, and the store's invariant checked over it (`manage.py ddb check`).

The invariant (see the store's docstring), item by item:

- a conversation item has two members; its `last_message_at` is the time of its newest message;
- each member has exactly one group item for the conversation, at that time (stream mode may have
  moved it on by microseconds when the member's list already held an item at that time), showing
  the newest message's text and naming the *other* member; the conversation records that item's `sk`;
- one conversation per pair of users, and the pair items match the conversations one to one;
- no group item of a conversation its owner is not a member of, no message outside a conversation;
- each message lookup item points to a stored message with its uuid and sender (a deleted message keeps
  its item with empty text, which its group items then show when it is the newest).
- every member's stored unread count equals the messages it counts (read_state.py's one rule, which
  `ddb recount` also uses), and their group item carries a copy of their read state. A member with no
  stored state (a conversation from before read state) is not a violation: the store derives it on use.

A table of the old backend (no `META#backfill` mark: `ddb backfill` or this project's schema-load
writes it) has no conversation or pair items: there a conversation is its group items, as the store
reads it, and is checked for what the old backend kept (two members naming each other, at the newest
message, one group item each); its missing conversation and pair items are not violations until the
table is marked backfilled.

In stream mode the group items follow the messages a moment later: check once the worker has caught up.
"""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from boto3.dynamodb.types import TypeDeserializer

from messaging.store import items, read_state
from messaging.store.timefmt import parse_time

# How far stream mode may move a group item past its message time (one microsecond per collision).
STREAM_SHIFT_ALLOWANCE = timedelta(milliseconds=1)

_deserializer = TypeDeserializer()


class Kind(StrEnum):
    MEMBERS = "members"
    NO_MESSAGES = "no-messages"
    LAST_MESSAGE_AT = "last-message-at"
    GROUP_ITEM_COUNT = "group-item-count"
    GROUP_ITEM_BEHIND = "group-item-behind"
    GROUP_ITEM_OTHER = "group-item-other"
    RECORDED_GROUP_SK = "recorded-group-sk"
    STRAY_GROUP_ITEM = "stray-group-item"
    PAIR_CONVERSATIONS = "pair-conversations"
    PAIR_ITEM = "pair-item"
    DANGLING_PAIR = "dangling-pair"
    ORPHAN_MESSAGES = "orphan-messages"
    DANGLING_LOOKUP = "dangling-lookup"
    UNREAD_COUNT = "unread-count"
    GROUP_READ_STATE = "group-read-state"


@dataclass(frozen=True)
class Violation:
    conversation_uuid: str
    kind: Kind
    detail: str

    def __str__(self) -> str:
        return f"conversation {self.conversation_uuid}: {self.detail} [{self.kind}]"


def scan_items(client, table_name: str, *, page_size: int | None = None) -> Iterator[dict]:
    """Every item of the table as DynamoDB JSON: a strongly consistent scan, every page."""
    pages = client.get_paginator("scan").paginate(
        TableName=table_name, ConsistentRead=True, PaginationConfig={"PageSize": page_size})
    for page in pages:
        yield from page.get("Items", [])


def plain(item: dict) -> dict:
    """A DynamoDB-JSON item as Python values (strings, numbers as Decimal, maps, lists)."""
    return {name: _deserializer.deserialize(value) for name, value in item.items()}



@dataclass
class TableContents:
    """The scanned table by item kind (items as DynamoDB JSON)."""

    conversations: dict[str, dict] = field(default_factory=dict)  # conversation uuid -> CONV item
    # conversation uuid -> its GRP items, its MSG items
    group_items: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    messages: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[frozenset[str], str] = field(default_factory=dict)  # the two user uuids -> conversation uuid
    receipts: dict[str, dict] = field(default_factory=dict)  # message uuid -> IDEM item
    lookups: dict[str, dict] = field(default_factory=dict)  # message uuid -> MSGID item
    backfilled: bool = False

    @classmethod
    def of(cls, scanned) -> "TableContents":
        contents = cls()
        for item in scanned:
            kind, _, rest = items.text(item, "pk").partition("#")
            if kind == "CONV":
                contents.conversations[rest] = item
            elif kind == "GRP":
                contents.group_items[items.text(item, "message_group_uuid")].append(item)
            elif kind == "MSG":
                contents.messages[rest].append(item)
            elif kind == "PAIR":
                contents.pairs[frozenset(rest.split("#"))] = items.text(item, "conversation_uuid")
            elif kind == "IDEM":
                contents.receipts[items.text(item, "message_uuid")] = item
            elif kind == "MSGID":
                contents.lookups[rest] = item
            elif kind == "META" and rest == "backfill":
                contents.backfilled = True
        return contents

    def newest_message(self, conversation_uuid: str) -> dict | None:
        return max(self.messages.get(conversation_uuid, []), key=lambda item: items.text(item, "sk"), default=None)

    def message_texts(self, conversation_uuid: str) -> list[str]:
        return [items.text(item, "message") for item in self.messages.get(conversation_uuid, [])]

    def all_messages(self) -> dict[str, dict]:
        """message uuid -> MSG item, over every conversation."""
        return {items.text(item, "message_uuid"): item for found in self.messages.values() for item in found}


def read_table(client, table_name: str, *, page_size: int | None = None) -> TableContents:
    return TableContents.of(scan_items(client, table_name, page_size=page_size))


def check_table(client, table_name: str, *, page_size: int | None = None) -> list[Violation]:
    return find_violations(read_table(client, table_name, page_size=page_size))


def find_violations(contents: TableContents) -> list[Violation]:
    """Every breach of the invariant, conversation by conversation (see the module docstring)."""
    violations: list[Violation] = []
    members_of: dict[str, dict[str, str]] = {}  # conversation uuid -> {member uuid: recorded group sk}
    for conversation_uuid, item in sorted(contents.conversations.items()):
        members = {uuid: items.text(value["M"], "group_sk") for uuid, value in item["members"]["M"].items()}
        members_of[conversation_uuid] = members
        violations += _conversation_violations(contents, conversation_uuid, members,
                                               items.text(item, "last_message_at"))
        violations += _read_state_violations(contents, conversation_uuid, item)
    if not contents.backfilled:
        for conversation_uuid in sorted(contents.group_items.keys() - contents.conversations.keys()):
            # An old-backend conversation: its members are its group items' owners, no sk recorded.
            members = dict.fromkeys(items.group_owner(item)
                                    for item in contents.group_items[conversation_uuid])
            members_of[conversation_uuid] = members
            newest = contents.newest_message(conversation_uuid)
            violations += _conversation_violations(contents, conversation_uuid, members,
                                                   items.text(newest, "sk") if newest else None)
    violations += _stray_violations(contents, members_of)
    violations += _pair_violations(contents)
    violations += _lookup_violations(contents)
    return violations


def _conversation_violations(contents: TableContents, conversation_uuid: str, members: dict[str, str | None],
                             last_message_at: str | None) -> list[Violation]:
    """`members` maps each member to the group `sk` the conversation item records (None: an old-backend one)."""
    found: list[Violation] = []

    def report(kind: Kind, detail: str) -> None:
        found.append(Violation(conversation_uuid, kind, detail))

    if len(members) != 2:
        report(Kind.MEMBERS, f"{len(members)} members ({', '.join(sorted(members))}), not 2")
    newest = contents.newest_message(conversation_uuid)
    if newest is None:
        report(Kind.NO_MESSAGES, "no messages")
        return found
    if last_message_at != items.text(newest, "sk"):
        report(Kind.LAST_MESSAGE_AT,
               f"last_message_at {last_message_at}, newest message at {items.text(newest, 'sk')}")
    for owner, recorded_sk in sorted(members.items()):
        owned = [item for item in contents.group_items.get(conversation_uuid, [])
                 if items.text(item, "pk") == items.group_pk(owner)]
        if len(owned) != 1:
            report(Kind.GROUP_ITEM_COUNT, f"member {owner} has {len(owned)} group items")
            continue
        group_item = owned[0]
        sk, text = items.text(group_item, "sk"), items.text(group_item, "message")
        if not _at_message_time(sk, items.text(newest, "sk")) or text != items.text(newest, "message"):
            report(Kind.GROUP_ITEM_BEHIND, f"{owner}'s group item is at {sk} ({text!r}), the newest message at "
                                           f"{items.text(newest, 'sk')} ({items.text(newest, 'message')!r})")
        others = set(members) - {owner}
        if len(others) == 1 and items.text(group_item, "user_uuid") not in others:
            report(Kind.GROUP_ITEM_OTHER, f"{owner}'s group item names {items.text(group_item, 'user_uuid')}, "
                                          f"not the other member {others.pop()}")
        if recorded_sk is not None and recorded_sk != sk:
            report(Kind.RECORDED_GROUP_SK, f"records {recorded_sk} as {owner}'s group item, which is at {sk}")
    return found


def _read_state_violations(contents: TableContents, conversation_uuid: str, item: dict) -> list[Violation]:
    """Each stored count against the messages, and each group item's copy of its owner's state."""
    found = []
    messages = [(items.text(m, "sk"), items.text(m, "user_uuid")) for m in contents.messages.get(conversation_uuid, [])
                if not items.is_deleted(m)]
    if not messages:
        return found  # a conversation without messages is one violation already (NO_MESSAGES)
    for member_uuid, value in sorted(item["members"]["M"].items()):
        state = items.member_state_from(value["M"])
        if state is None:
            continue
        counted = read_state.count_unread(messages, member_uuid=member_uuid, last_read_at=state.last_read_at)
        if state.unread != counted:
            found.append(Violation(conversation_uuid, Kind.UNREAD_COUNT,
                                   f"{member_uuid} has unread {state.unread}, the messages after their read "
                                   f"position {state.last_read_at or '(none)'} count {counted}"))
        owned = [g for g in contents.group_items.get(conversation_uuid, [])
                 if items.text(g, "pk") == items.group_pk(member_uuid)]
        copy = items.group_state_attributes(state)
        for group_item in owned:
            if (any(group_item.get(name) != wanted for name, wanted in copy.items())
                    or items.is_hidden(group_item) != state.hidden):
                shown = {name: plain(group_item).get(name) for name in copy}
                found.append(Violation(conversation_uuid, Kind.GROUP_READ_STATE,
                                       f"{member_uuid}'s group item shows {shown}, the conversation item "
                                       f"{plain(copy)}"))
    return found


def _at_message_time(group_sk: str, message_sk: str) -> bool:
    if group_sk == message_sk:
        return True
    try:
        shift = parse_time(group_sk) - parse_time(message_sk)
    except ValueError:
        return False
    return timedelta(0) < shift <= STREAM_SHIFT_ALLOWANCE


def _stray_violations(contents: TableContents, members_of: dict[str, dict]) -> list[Violation]:
    """Group items of a conversation their owner is not in; messages of no conversation."""
    found = []
    for conversation_uuid, group_items in sorted(contents.group_items.items()):
        members = members_of.get(conversation_uuid)
        for item in group_items:
            owner = items.group_owner(item)
            if members is None or owner not in members:
                whose = "no conversation" if members is None else "a conversation its owner is not in"
                found.append(Violation(conversation_uuid, Kind.STRAY_GROUP_ITEM,
                                       f"group item {items.text(item, 'pk')} {items.text(item, 'sk')} of {whose}"))
    for conversation_uuid in sorted(contents.messages.keys() - members_of.keys()):
        count = len(contents.messages[conversation_uuid])
        found.append(Violation(conversation_uuid, Kind.ORPHAN_MESSAGES, f"{count} messages of no conversation"))
    return found


def _pair_violations(contents: TableContents) -> list[Violation]:
    """One conversation per pair, and the pair items and conversation items one to one.

    Before backfill a conversation may lack its pair item (the store adopts an old-backend conversation
    on its next send without one); after it, the old backend's second conversation of a pair stays a
    violation: backfill keeps the first and reports the rest as `pairs_already_taken`.
    """
    found = []
    by_pair = defaultdict(list)
    for conversation_uuid, item in sorted(contents.conversations.items()):
        by_pair[frozenset(item["members"]["M"])].append(conversation_uuid)
    for pair, conversation_uuids in by_pair.items():
        users = " and ".join(sorted(pair))
        target = contents.pairs.get(pair)
        for conversation_uuid in conversation_uuids:
            if len(conversation_uuids) > 1:
                found.append(Violation(conversation_uuid, Kind.PAIR_CONVERSATIONS,
                                       f"one of {len(conversation_uuids)} conversations of {users}:"
                                       f" {', '.join(conversation_uuids)}"))
            elif target != conversation_uuid and (target is not None or contents.backfilled):
                where = f"points at {target}" if target else "is missing"
                found.append(Violation(conversation_uuid, Kind.PAIR_ITEM, f"the pair item of {users} {where}"))
    for pair, target in sorted(contents.pairs.items(), key=lambda entry: entry[1]):
        conversation = contents.conversations.get(target)
        if conversation is None or frozenset(conversation["members"]["M"]) != pair:
            whose = "no conversation" if conversation is None else "a conversation of other users"
            found.append(Violation(target, Kind.DANGLING_PAIR,
                                   f"the pair item of {' and '.join(sorted(pair))} points at {whose}"))
    return found


def _lookup_violations(contents: TableContents) -> list[Violation]:
    """Each lookup item names a stored message of its conversation, at its time, by its sender."""
    found = []
    at = {(group, items.text(m, "sk")): m for group, messages in contents.messages.items() for m in messages}
    for message_uuid, item in sorted(contents.lookups.items()):
        lookup = items.lookup_from_item(item)
        message = at.get((lookup.message_group_uuid, lookup.created_at))
        if message is None or items.message_from_item(message).uuid != message_uuid:
            problem = "no message" if message is None else "another message"
        elif items.text(message, "user_uuid") != lookup.sender_uuid:
            problem = "a message of another sender"
        else:
            continue
        found.append(Violation(lookup.message_group_uuid, Kind.DANGLING_LOOKUP,
                               f"the lookup item of message {message_uuid} points at {problem} "
                               f"at {lookup.created_at}"))
    return found
