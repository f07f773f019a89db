"""Counting DynamoDB calls on a client: the app's own, or a store's."""
from contextlib import contextmanager

from messaging import ddb


@contextmanager
def dynamodb_calls(client=None):
    """`with dynamodb_calls() as calls:` records the operation names, in order, that `client` (default: the app's)
    calls."""
    calls: list[str] = []

    def count(model, **kwargs):
        calls.append(model.name)

    events = (client or ddb.get_client()).meta.events
    events.register("before-call.dynamodb", count)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", count)
