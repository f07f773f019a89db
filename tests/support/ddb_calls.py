"""Counting the DynamoDB calls the app makes, on its own client."""
from contextlib import contextmanager

from messaging import ddb


@contextmanager
def dynamodb_calls():
    """`with dynamodb_calls() as calls:` records the operation names, in order, the app's client calls."""
    calls: list[str] = []

    def count(model, **kwargs):
        calls.append(model.name)

    events = ddb.get_client().meta.events
    events.register("before-call.dynamodb", count)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", count)
