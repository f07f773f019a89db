"""The CACHES setting: Redis (shared by every process on every host) when REDIS_URL names one, local memory
(one process, the embedded default) otherwise.

redis-py is imported only when REDIS_URL is set: it costs a worker ~7 MB of RSS (its import loads its asyncio
client too; docs/PERFORMANCE.md), which a process on local memory has no use for."""
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

REDIS_SCHEMES = ("redis", "rediss")


def check_redis_url(url: str) -> None:
    """Refuse, at start, a URL that redis-py would reject or silently misread (a database that is no number)."""
    from redis.connection import parse_url

    problem = None
    try:
        parts = urlsplit(url)
        if parts.scheme not in REDIS_SCHEMES:
            problem = "the scheme must be redis:// or rediss:// (TLS)"
        elif not parts.hostname:
            problem = "it names no host"
        elif parts.path.strip("/") and not parts.path.strip("/").isdigit():
            problem = "the path must be a database number, e.g. /0"
        else:
            parse_url(url)  # the port and the query options, as redis-py reads them
    except ValueError as error:
        problem = str(error)
    if problem:
        raise ImproperlyConfigured(f"REDIS_URL is not a usable Redis URL ({problem}): {url!r}")


def redis_connection_options(*, connect_timeout: float, socket_timeout: float | None, asyncio: bool = False) -> dict:
    """redis-py connection options, so that a Redis that is down or hangs costs a bounded time per call.

    One retry on a connection error only: it replaces a pooled connection that Redis closed (a restart) at the
    cost of one failed connect, which is immediate when Redis is down. A timeout is not retried: a hanging Redis
    costs `socket_timeout` per call. No CLIENT SETINFO on connect, so a new connection is one round trip.
    `asyncio`: for redis-py's asyncio client (the live bus's subscriber), which needs its own Retry class."""
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    if asyncio:
        from redis.asyncio.retry import Retry
    else:
        from redis.retry import Retry

    return {
        "socket_connect_timeout": connect_timeout,
        "socket_timeout": socket_timeout,
        "retry": Retry(NoBackoff(), retries=1, supported_errors=(RedisConnectionError,)),
        "driver_info": None,
    }


def caches(redis_url: str | None, *, key_prefix: str, connect_timeout: float, socket_timeout: float) -> dict:
    if redis_url is None:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": key_prefix}}
    check_redis_url(redis_url)
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": redis_connection_options(connect_timeout=connect_timeout, socket_timeout=socket_timeout),
        }
    }
