"""The DynamoDB client: bounded timeouts and botocore's own retries.

Made by botocore itself: boto3 would add nothing to a client but its resource layer and s3transfer to every
worker's imports (2-3.5 MB of peak RSS: docs/PERFORMANCE.md, "Worker memory as deployed")."""
from dataclasses import dataclass

import botocore.session
from botocore.config import Config


@dataclass(frozen=True)
class ClientSettings:
    region: str
    endpoint_url: str | None = None
    # Generous, for work no one waits on at a screen (commands, the stream Lambda, tools): a cold DynamoDB Local
    # takes seconds to create a table. Web requests have a deadline of their own (cruddur.settings DDB_*).
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    max_attempts: int = 3
    max_pool_connections: int = 32


def make_client(settings: ClientSettings, service: str = "dynamodb"):
    """A client for `dynamodb` (or `dynamodbstreams`) with bounded timeouts and botocore retries."""
    config = Config(
        region_name=settings.region,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        # `total_max_attempts` counts the first attempt; botocore's `max_attempts` counts only the retries.
        retries={"mode": "standard", "total_max_attempts": settings.max_attempts},
        max_pool_connections=settings.max_pool_connections,
    )
    session = botocore.session.get_session()
    credentials = {}
    if settings.endpoint_url and session.get_credentials() is None:
        # DynamoDB Local accepts any key; botocore still refuses to sign without one.
        credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    return session.create_client(
        service, endpoint_url=settings.endpoint_url, config=config, **credentials
    )
