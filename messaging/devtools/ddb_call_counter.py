"""Opt-in count of DynamoDB calls per HTTP request, for the benchmark only.

With CRUDDUR_COUNT_DDB_CALLS=<file>, every request appends one JSON line to that file:
{"method", "path", "calls": [operation names]}. Off (and free) when the variable is unset.
"""
import json
import os
import threading

from django.core.signals import request_finished, request_started

_current = threading.local()


def _count(model, **kwargs):
    calls = getattr(_current, "calls", None)
    if calls is not None:
        calls.append(model.name)


def _start(sender, environ=None, **kwargs):
    _current.calls = []
    _current.request = (environ or {}).get("REQUEST_METHOD"), (environ or {}).get("PATH_INFO")


def _finish(sender, **kwargs):
    calls = getattr(_current, "calls", None)
    if calls is None:
        return
    method, path = _current.request
    with open(os.environ["CRUDDUR_COUNT_DDB_CALLS"], "a") as log:
        log.write(json.dumps({"method": method, "path": path, "calls": calls}) + "\n")
    _current.calls = None


def install(client):
    """Count this client's calls when the benchmark asked for it; returns the client."""
    if os.environ.get("CRUDDUR_COUNT_DDB_CALLS"):
        client.meta.events.register("before-call.dynamodb", _count)
        request_started.connect(_start, dispatch_uid="ddb_call_counter_start")
        request_finished.connect(_finish, dispatch_uid="ddb_call_counter_finish")
    return client
