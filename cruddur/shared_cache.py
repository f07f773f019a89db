"""How the default cache fails. With REDIS_URL it is Redis, and Django's RedisCache passes redis-py's errors on:
each use decides what an unavailable cache means for it (throttles fail open, the password budget fails closed,
the user lookup reads the database). Local memory never raises these."""
import sys


def cache_unavailable_errors() -> tuple[type[Exception], ...]:
    """For an `except` clause (evaluated only when something was raised): redis-py's base error — a connection
    refused or reset, a timeout, Redis refusing the command (out of memory, a read-only replica) — once redis-py
    is loaded. Only Django's RedisCache loads it, so a process on local memory never pays for the import."""
    exceptions = sys.modules.get("redis.exceptions")
    return (exceptions.RedisError,) if exceptions else ()
