"""What the app has stored, to show that a refused request wrote nothing: every item of the messages
table (a consistent Scan) and every user row; and a table as the old backend left it."""
import uuid
from contextlib import contextmanager

from messaging.store import items
from messaging.store.models import Message, UserRef
from users.models import User

# Text that is one character to a reader but several code points.
COMBINING = "e\u0301\u0308"  # e, combining acute, combining diaeresis
EMOJI = "\U0001f44d\U0001f3fd"  # thumbs up with a skin-tone modifier
FLAG = "\U0001f1e8\U0001f1e6"  # two regional indicators, one flag


def table_items(client, table) -> list[dict]:
    pages = client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
    items = [item for page in pages for item in page["Items"]]
    return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def user_rows() -> list[dict]:
    return list(User.objects.order_by("pk").values())


@contextmanager
def nothing_stored(client, table):
    """The block leaves the table's items and the user rows exactly as they were."""
    before_items, before_users = table_items(client, table), user_rows()
    assert before_items, "the check needs a table with items in it"
    yield
    assert table_items(client, table) == before_items, "DynamoDB items changed"
    assert user_rows() == before_users, "user rows changed"


def write_old_backend_items(client, table, a: UserRef, b: UserRef, texts: list[str],
                            start: str = "2025-06-01T10:00:00.000000+00:00") -> str:
    """Exactly what the old Flask backend's create_message_group/create_message wrote; returns the group uuid."""
    group = str(uuid.uuid4())
    times = [start[:17] + f"{n:02d}" + start[19:] for n in range(len(texts))]
    for text, at, sender in zip(texts, times, [a, b] * len(texts), strict=False):
        client.put_item(TableName=table, Item=items.message_item(Message(group, str(uuid.uuid4()), at, text, sender)))
    for owner, other in ((a, b), (b, a)):
        client.put_item(TableName=table, Item=items.group_item(owner.uuid, times[-1], group, other, texts[-1]))
    return group


def forget_backfill(client, table) -> None:
    """Make a table this project created look like one the old backend wrote: not backfilled."""
    client.delete_item(TableName=table, Key=items.BACKFILL_MARK_KEY)
