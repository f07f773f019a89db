"""The DynamoDB client limits of the servers under test, and the longest botocore may take under them."""

# Small limits for the server under test, so an outage answers fast.
FAST_LIMITS = {"DDB_CONNECT_TIMEOUT": 0.5, "DDB_READ_TIMEOUT": 1.0, "DDB_MAX_ATTEMPTS": 3}
# The app's defaults (README: 0.5 s, 1 s, 2 attempts); a server started without the variables runs on these.
DEFAULT_LIMITS = {"DDB_CONNECT_TIMEOUT": 0.5, "DDB_READ_TIMEOUT": 1.0, "DDB_MAX_ATTEMPTS": 2}
# The deadline the README states for a request's DynamoDB work while DynamoDB hangs, on the defaults.
HANG_DEADLINE_SECONDS = 3.0
# What the app itself may add on a busy 2-core machine (Django, SQLite, the HTTP round trip).
APP_SLACK_SECONDS = 2.0


def worst_case_seconds(limits: dict, throttled: bool = False) -> float:
    """Every attempt may wait its connect and read timeouts, plus botocore's backoff between attempts
    (standard mode: at most 2**i * 25 ms for DynamoDB, 2**i s after a throttling error), plus the app's slack."""
    attempts = int(limits["DDB_MAX_ATTEMPTS"])
    base = 1.0 if throttled else 0.025
    backoff = sum(base * 2 ** i for i in range(attempts - 1))
    per_attempt = float(limits["DDB_CONNECT_TIMEOUT"]) + float(limits["DDB_READ_TIMEOUT"])
    return attempts * per_attempt + backoff + APP_SLACK_SECONDS
