"""Rewriting the names copied into the table (`manage.py ddb refresh-names`).

Group items and conversation items carry a copy of each user's handle and display name, as the old backend
wrote them. The API and the pages show current names from the user database; this brings the copies up to
date for the old backend and client reading the table directly.

Safe against concurrent sends: every write is conditional. A group item is updated only while it still
exists and names the same user (a send that re-keyed it deleted it, and its new item carries the names the
send resolved), and a conversation's member entry only while it exists; a write that loses is counted as
moved and changes nothing. Idempotent and resumable: an item already current is not written, so a rerun
after a stop (or to catch items a concurrent send wrote with names it resolved before a rename) only
writes what is still behind. Message items keep the sender's names as they were when sent (see README).
"""
from collections.abc import Callable
from dataclasses import replace

from botocore.exceptions import ClientError

from messaging.store import items
from messaging.store.calls import Table
from messaging.store.models import NamesRefreshReport, UserRef

# The users of the given uuids as they are now; uuids of no user are left out.
NameResolver = Callable[[set[str]], dict[str, UserRef]]
ProgressReporter = Callable[[NamesRefreshReport], None]


def refresh_names(table: Table, *, resolve: NameResolver, only_user_uuid: str | None = None,
                  progress: ProgressReporter | None = None) -> NamesRefreshReport:
    """Scan the group and conversation items, rewriting names that differ from `resolve`'s; `progress` is
    told the running totals after each page of the scan."""
    report = NamesRefreshReport()
    pages = table.pages("scan", ConsistentRead=True,
                        FilterExpression="begins_with(pk, :group) OR begins_with(pk, :conversation)",
                        ExpressionAttributeValues={":group": items.S("GRP#"), ":conversation": items.S("CONV#")})
    for page in pages:
        found = page.get("Items", [])
        uuids = {uuid for item in found for uuid in _named_users(item)}
        if only_user_uuid is not None:
            uuids &= {only_user_uuid}
        current = resolve(uuids) if uuids else {}
        report = replace(report, scanned=report.scanned + page.get("ScannedCount", len(found)),
                         unknown_users=report.unknown_users + len(uuids - current.keys()))
        for item in found:
            if items.text(item, "pk").startswith("GRP#"):
                report = _refresh_group_item(table, item, current, report)
            else:
                report = _refresh_conversation(table, item, current, report)
        if progress is not None:
            progress(report)
    return report


def _named_users(item: dict) -> list[str]:
    if items.text(item, "pk").startswith("GRP#"):
        return [items.text(item, "user_uuid")]
    return list(item.get("members", {}).get("M", {}))


def _refresh_group_item(table: Table, item: dict, current: dict[str, UserRef],
                        report: NamesRefreshReport) -> NamesRefreshReport:
    user = current.get(items.text(item, "user_uuid"))
    if user is None or (items.text(item, "user_handle"), items.text(item, "user_display_name")) == (
            user.handle, user.display_name):
        return report
    written = _conditional_update(
        table, Key=items.key(items.text(item, "pk"), items.text(item, "sk")),
        UpdateExpression="SET user_handle = :handle, user_display_name = :name",
        # Never recreate an item a send deleted: an Update without this condition would write a partial one.
        ConditionExpression="attribute_exists(pk) AND user_uuid = :uuid",
        ExpressionAttributeValues={":handle": items.S(user.handle), ":name": items.S(user.display_name),
                                   ":uuid": items.S(user.uuid)},
    )
    if written:
        return replace(report, group_items_updated=report.group_items_updated + 1)
    return replace(report, moved=report.moved + 1)


def _refresh_conversation(table: Table, item: dict, current: dict[str, UserRef],
                          report: NamesRefreshReport) -> NamesRefreshReport:
    members = item.get("members", {}).get("M", {})
    stale = [user for uuid, value in members.items() if (user := current.get(uuid)) is not None
             and (items.text(value["M"], "handle"), items.text(value["M"], "display_name")) != (
                 user.handle, user.display_name)]
    if not stale:
        return report
    names, values, actions, conditions = {}, {}, [], []
    for n, user in enumerate(stale):
        names[f"#u{n}"] = user.uuid
        values[f":h{n}"], values[f":d{n}"] = items.S(user.handle), items.S(user.display_name)
        actions += [f"members.#u{n}.handle = :h{n}", f"members.#u{n}.display_name = :d{n}"]
        conditions.append(f"attribute_exists(members.#u{n})")
    written = _conditional_update(
        table, Key=items.key(items.text(item, "pk"), items.text(item, "sk")),
        UpdateExpression="SET " + ", ".join(actions), ConditionExpression=" AND ".join(conditions),
        ExpressionAttributeNames=names, ExpressionAttributeValues=values,
    )
    if written:
        return replace(report, conversations_updated=report.conversations_updated + 1)
    return replace(report, moved=report.moved + 1)


def _conditional_update(table: Table, **update) -> bool:
    try:
        table.call("update_item", TableName=table.table_name, **update)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
