"""The DynamoDB probe of the readiness endpoint (cruddur.health)."""
from cruddur.health import readiness_probe
from messaging import ddb


@readiness_probe("dynamodb", backend=lambda: "dynamodb")
def _dynamodb() -> None:
    ddb.get_store().ping()
