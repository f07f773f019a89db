"""How the default cache fails. With REDIS_URL it is Redis, and Django's RedisCache passes redis-py's errors on:
each use decides what an unavailable cache means for it (throttles fail open, the password budget fails closed,
the user lookup reads the database). Local memory never raises these."""
from redis.exceptions import RedisError

# Connection refused or reset, a timeout, or Redis refusing the command (out of memory, a read-only replica).
CACHE_UNAVAILABLE = (RedisError,)
