"""Opt-in count of DynamoDB calls per HTTP request, for the benchmark only.

With CRUDDUR_COUNT_DDB_CALLS=<file>, every request appends one JSON line to that file:
{"method", "path", "calls": [operation names], "user_queries": SQL statements that read the users table}.
Off (and free) when the variable is unset.
"""
import json
import os
import threading

from django.core.signals import request_finished, request_started
from django.db import connection

_current = threading.local()


def _count(model, **kwargs):
    calls = getattr(_current, "calls", None)
    if calls is not None:
        calls.append(model.name)


def _count_user_queries(execute, sql, params, many, context):
    if "users_user" in sql:
        _current.user_queries += 1
    return execute(sql, params, many, context)


def _start(sender, environ=None, **kwargs):
    _current.calls = []
    _current.user_queries = 0
    _current.request = (environ or {}).get("REQUEST_METHOD"), (environ or {}).get("PATH_INFO")
    # `connection` is this thread's: the wrapper sees only this request's statements.
    connection.execute_wrappers.append(_count_user_queries)


def _finish(sender, **kwargs):
    calls = getattr(_current, "calls", None)
    if calls is None:
        return
    if _count_user_queries in connection.execute_wrappers:
        connection.execute_wrappers.remove(_count_user_queries)
    method, path = _current.request
    with open(os.environ["CRUDDUR_COUNT_DDB_CALLS"], "a") as log:
        log.write(json.dumps({"method": method, "path": path, "calls": calls,
                              "user_queries": _current.user_queries}) + "\n")
    _current.calls = None


def install(client):
    """Count this client's calls when the benchmark asked for it; returns the client."""
    if os.environ.get("CRUDDUR_COUNT_DDB_CALLS"):
        client.meta.events.register("before-call.dynamodb", _count)
        request_started.connect(_start, dispatch_uid="ddb_call_counter_start")
        request_finished.connect(_finish, dispatch_uid="ddb_call_counter_finish")
    return client
