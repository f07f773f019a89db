"""Missing test components: a skip on a developer's machine, a failure under CI=true."""
import os

import pytest

from messaging.devtools.dynamodb_local import DynamoDBLocalError, find_jar, find_java

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, what: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true", pytrace=False)
    pytest.skip(f"{what} is not available")


def require_ddb_local() -> None:
    """Java and the DynamoDB Local jar, both (each missing one named)."""
    try:
        find_java(), find_jar()
    except DynamoDBLocalError as error:
        require(False, f"DynamoDB Local ({error})")
