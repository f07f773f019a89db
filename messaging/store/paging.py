"""Pages of a partition, newest or oldest first, with the cursors a client goes on from."""
from collections.abc import Callable

from messaging.store import items
from messaging.store.calls import Table
from messaging.store.cursors import decode_cursor, encode_cursor
from messaging.store.models import Page


def query_page(table: Table, pk: str, limit: int, before: str | None, after: str | None, *,
               decode: Callable[[dict], object], newest_first: bool, visible_only: bool = False) -> Page:
    """One page of a partition (messages or a user's group items) from a cursor, with the cursors that go
    on from it; one Query unless hidden items must be skipped to fill the page."""
    values = {":pk": items.S(pk)}
    condition = "pk = :pk"
    if after is not None:
        condition += " AND sk > :cursor"
        values[":cursor"] = items.S(decode_cursor(after))
    elif before is not None:
        condition += " AND sk < :cursor"
        values[":cursor"] = items.S(decode_cursor(before))
    # One page of Limit + 1 (the extra item says whether more exist), so one Query, not a paginator.
    query = {"TableName": table.table_name, "KeyConditionExpression": condition,
             "ExpressionAttributeValues": values, "ScanIndexForward": after is not None,
             "Limit": limit + 1, "ConsistentRead": True}
    if visible_only:
        # Limit counts items before the filter: a page with hidden items asks again to fill itself.
        query["FilterExpression"] = "attribute_not_exists(#hidden) OR #hidden = :shown"
        query["ExpressionAttributeNames"] = {"#hidden": items.HIDDEN}
        values[":shown"] = {"BOOL": False}
    found = []
    while True:
        response = table.call("query", **query)
        found += response.get("Items", [])
        if len(found) > limit or "LastEvaluatedKey" not in response:
            break
        query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
    has_more, found = len(found) > limit, found[:limit]
    # `found` runs away from the cursor: newest first for before-pages, oldest first for after-pages.
    next_cursor = encode_cursor(found[-1]["sk"]["S"]) if has_more else None
    if after is not None:
        direction = "after"
        newest = found[-1] if found else None
    else:
        direction = "before"
        newest = found[0] if found else None
    newest_cursor = encode_cursor(newest["sk"]["S"]) if newest else None
    # Polling continues from the newest item seen: this page's, else the cursor it was asked from.
    poll_cursor = (newest_cursor or after) if before is None else None
    in_time_order = found if after is not None else found[::-1]
    ordered = in_time_order[::-1] if newest_first else in_time_order
    return Page(
        items=[decode(item) for item in ordered],
        next_cursor=next_cursor,
        direction=direction,
        newest_cursor=newest_cursor,
        poll_cursor=poll_cursor,
    )
