"""Read the whole messages table and check the group invariant the store promises."""
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class TableContents:
    conversations: dict[str, dict] = field(default_factory=dict)  # group uuid -> CONV item
    group_items: list[dict] = field(default_factory=list)
    messages: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))  # group uuid -> MSG items
    pairs: list[dict] = field(default_factory=list)
    receipts: dict[str, dict] = field(default_factory=dict)  # message uuid -> IDEM item

    def message_texts(self, group_uuid: str) -> list[str]:
        return [item["message"]["S"] for item in self.messages.get(group_uuid, [])]

    def message_texts_everywhere(self) -> set[str]:
        return {item["message"]["S"] for found in self.messages.values() for item in found}

    def all_messages(self) -> dict[str, dict]:
        """message uuid -> MSG item, over every conversation."""
        return {item["message_uuid"]["S"]: item for found in self.messages.values() for item in found}


def read_table(client, table: str) -> TableContents:
    contents = TableContents()
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            pk = item["pk"]["S"]
            if pk.startswith("CONV#"):
                contents.conversations[pk.removeprefix("CONV#")] = item
            elif pk.startswith("GRP#"):
                contents.group_items.append(item)
            elif pk.startswith("MSG#"):
                contents.messages[pk.removeprefix("MSG#")].append(item)
            elif pk.startswith("PAIR#"):
                contents.pairs.append(item)
            elif pk.startswith("IDEM#"):
                contents.receipts[item["message_uuid"]["S"]] = item
    return contents


def group_invariant_violations(contents: TableContents) -> list[str]:
    """For each conversation and each of its two members exactly one group item, at the newest message.

    Also: no group item of an unknown conversation, and one conversation per pair of users.
    """
    violations = []
    groups_by_owner_and_conversation = defaultdict(list)
    for item in contents.group_items:
        owner = item["pk"]["S"].removeprefix("GRP#")
        groups_by_owner_and_conversation[owner, item["message_group_uuid"]["S"]].append(item)
        if item["message_group_uuid"]["S"] not in contents.conversations:
            violations.append(f"group item {item['pk']['S']} {item['sk']['S']} of unknown conversation")

    conversations_by_pair = defaultdict(list)
    for group_uuid, conversation in contents.conversations.items():
        members = conversation["members"]["M"]
        conversations_by_pair[frozenset(members)].append(group_uuid)
        if len(members) != 2:
            violations.append(f"conversation {group_uuid} has {len(members)} members")
        found = contents.messages.get(group_uuid)
        if not found:
            violations.append(f"conversation {group_uuid} has no messages")
            continue
        newest = max(found, key=lambda item: item["sk"]["S"])
        if conversation["last_message_at"]["S"] != newest["sk"]["S"]:
            violations.append(f"conversation {group_uuid} last_message_at is not its newest message")
        for member, recorded in members.items():
            groups = groups_by_owner_and_conversation[member, group_uuid]
            if len(groups) != 1:
                violations.append(f"member {member} of {group_uuid} has {len(groups)} group items")
                continue
            group = groups[0]
            if group["sk"]["S"] != newest["sk"]["S"] or group["message"]["S"] != newest["message"]["S"]:
                violations.append(f"group item of {member} in {group_uuid} does not point at the newest message")
            if recorded["M"]["group_sk"]["S"] != group["sk"]["S"]:
                violations.append(f"conversation {group_uuid} records another group item for {member}")
    for pair, group_uuids in conversations_by_pair.items():
        if len(group_uuids) != 1:
            violations.append(f"{len(group_uuids)} conversations between {sorted(pair)}")
    pair_targets = [item["conversation_uuid"]["S"] for item in contents.pairs]
    if sorted(pair_targets) != sorted(contents.conversations):
        violations.append("pair items and conversations do not match one to one")
    return violations
