"""What the app has stored, to show that a refused request wrote nothing: every item of the messages
table (a consistent Scan), every user row and every block row."""
from contextlib import contextmanager

from messaging.models import Block
from messaging.store.table_check import scan_items
from users.models import User

# Text that is one character to a reader but several code points.
COMBINING = "e\u0301\u0308"  # e, combining acute, combining diaeresis
EMOJI = "\U0001f44d\U0001f3fd"  # thumbs up with a skin-tone modifier
FLAG = "\U0001f1e8\U0001f1e6"  # two regional indicators, one flag


def table_items(client, table) -> list[dict]:
    return sorted(scan_items(client, table), key=lambda item: (item["pk"]["S"], item["sk"]["S"]))


def user_rows() -> list[dict]:
    return list(User.objects.order_by("pk").values())


def block_rows() -> list[dict]:
    return list(Block.objects.order_by("pk").values())


@contextmanager
def table_unchanged(client, table):
    """The block leaves the table's items exactly as they were (for store tests, which have no users)."""
    before_items = table_items(client, table)
    assert before_items, "the check needs a table with items in it"
    yield
    assert table_items(client, table) == before_items, "DynamoDB items changed"


@contextmanager
def nothing_stored(client, table):
    """The block leaves the table's items, the user rows and the block rows exactly as they were."""
    before_users, before_blocks = user_rows(), block_rows()
    with table_unchanged(client, table):
        yield
    assert user_rows() == before_users, "user rows changed"
    assert block_rows() == before_blocks, "block rows changed"
