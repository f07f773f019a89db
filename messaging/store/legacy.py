"""Tables the old backend wrote: conversations with no conversation or pair item, found through the group
items, adopted (given their conversation item) on first write, and `backfill` to adopt them all at once.

Everything that knows about the old backend's tables is here, so that it can be deleted in one piece once
every table has been backfilled.
"""
from dataclasses import dataclass, replace

from messaging.store import items
from messaging.store.calls import Table
from messaging.store.errors import StoreConflict
from messaging.store.models import Conversation, UserRef
from messaging.store.schema import GROUP_INDEX
from messaging.store.transactions import delete, put_new, transact


@dataclass(frozen=True)
class BackfillReport:
    conversations: int = 0
    conversations_created: int = 0
    duplicate_group_items_removed: int = 0
    pairs_created: int = 0
    pairs_already_taken: int = 0


class LegacyConversations:
    def __init__(self, table: Table):
        self.table = table
        self._backfilled = False

    def is_backfilled(self) -> bool:
        """True once `backfill` ran (or the table was created by this project): no legacy searches needed."""
        if not self._backfilled:
            self._backfilled = self.table.get(items.BACKFILL_MARK_KEY) is not None
        return self._backfilled

    def _mark_backfilled(self) -> None:
        self.table.call("put_item", TableName=self.table.table_name, Item=dict(items.BACKFILL_MARK_KEY))
        self._backfilled = True

    def conversation(self, message_group_uuid: str) -> Conversation | None:
        """Derive a conversation from the old backend's two group items (no conversation item)."""
        newest_by_owner: dict[str, dict] = {}
        for item in self._group_items_of(message_group_uuid):
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
        return Conversation(message_group_uuid, members, max(group_sks.values()), group_sks, legacy=True)

    def message_group_between(self, a_uuid: str, b_uuid: str) -> str | None:
        """The conversation of two users as the old backend knew it: a group item of a's naming b."""
        for page in self.table.pages("query", KeyConditionExpression="pk = :pk", FilterExpression="user_uuid = :other",
                                     ExpressionAttributeValues={":pk": items.S(items.group_pk(a_uuid)),
                                                                ":other": items.S(b_uuid)},
                                     ProjectionExpression="message_group_uuid", ConsistentRead=True):
            for item in page.get("Items", []):
                return item["message_group_uuid"]["S"]
        return None

    def adopt(self, legacy: Conversation) -> tuple[Conversation, int]:
        """Write the conversation item for an old-backend conversation and drop duplicate group items.

        Returns the conversation as stored and how many duplicate group items this call removed.
        """
        keep = {(items.group_pk(owner), sk) for owner, sk in legacy.group_sks.items()}
        duplicates = [item for item in self._group_items_of(legacy.message_group_uuid)
                      if (item["pk"]["S"], item["sk"]["S"]) not in keep]
        adopted = replace(legacy, legacy=False)
        table_name = self.table.table_name
        ops = [("conversation", put_new(table_name, items.conversation_item(adopted)))]
        ops += [(f"duplicate:{n}", delete(table_name, items.key(d["pk"]["S"], d["sk"]["S"])))
                for n, d in enumerate(duplicates)]
        outcome = transact(self.table, ops)
        # Whether we or a concurrent request wrote it, the conversation item is now the truth.
        current = self.table.get(items.conversation_key(legacy.message_group_uuid))
        if current is None:
            raise StoreConflict(f"could not adopt conversation {legacy.message_group_uuid}")
        removed = len(duplicates) if outcome.committed else 0
        return items.conversation_from_item(current), removed

    def backfill(self) -> BackfillReport:
        """Write conversation and pair items for conversations the old backend wrote."""
        report = BackfillReport()
        for message_group_uuid in sorted(self._all_message_group_uuids()):
            stored = self.table.get(items.conversation_key(message_group_uuid))
            conversation = items.conversation_from_item(stored) if stored else self.conversation(message_group_uuid)
            if conversation is None:
                continue
            report = replace(report, conversations=report.conversations + 1)
            if conversation.legacy:
                conversation, removed = self.adopt(conversation)
                report = replace(report, conversations_created=report.conversations_created + 1,
                                 duplicate_group_items_removed=report.duplicate_group_items_removed + removed)
            a, b = (m.uuid for m in conversation.members)
            if self.table.put_if_new(items.pair_item(a, b, message_group_uuid)):
                report = replace(report, pairs_created=report.pairs_created + 1)
            elif items.pair_message_group_uuid(self.table.get(items.pair_key(a, b))) != message_group_uuid:
                # The old backend could start two conversations for one pair; the first keeps the pair.
                report = replace(report, pairs_already_taken=report.pairs_already_taken + 1)
        self._mark_backfilled()
        return report

    def _group_items_of(self, message_group_uuid: str) -> list[dict]:
        found = []
        for page in self.table.pages("query", IndexName=GROUP_INDEX, KeyConditionExpression="message_group_uuid = :g",
                                     ExpressionAttributeValues={":g": items.S(message_group_uuid)}):
            found.extend(page.get("Items", []))
        return found

    def _all_message_group_uuids(self) -> set[str]:
        found = set()
        for page in self.table.pages("scan", FilterExpression="begins_with(pk, :grp)",
                                     ExpressionAttributeValues={":grp": items.S("GRP#")},
                                     ProjectionExpression="message_group_uuid"):
            found.update(item["message_group_uuid"]["S"] for item in page.get("Items", []))
        return found
