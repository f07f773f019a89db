"""Health: liveness (`/api/health-check`, the old contract) and readiness (`/api/health/ready`: what this process
is connected to). The apps register the probes of what they own (messaging: DynamoDB) with `readiness_probe`."""
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Probe:
    check: Callable[[], None]  # raises when the component cannot serve
    backend: Callable[[], str]
    required: bool  # False: the app keeps serving without it, degraded


PROBES: dict[str, Probe] = {}


def readiness_probe(name: str, *, backend: Callable[[], str], required: bool = True):
    def register(check: Callable[[], None]) -> Callable[[], None]:
        PROBES[name] = Probe(check, backend, required)
        return check

    return register


@readiness_probe("database", backend=lambda: connection.vendor)
def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@readiness_probe(
    "cache", required=False,
    backend=lambda: "redis" if settings.CACHES["default"]["BACKEND"].endswith("RedisCache") else "local-memory",
)
def _cache() -> None:
    # A write, since the throttles write: a read-only or full Redis is not ready either.
    cache.set("health:ready", 1, timeout=10)


def _run(name: str, probe: Probe) -> dict:
    started = time.perf_counter()
    try:
        probe.check()
        status = "ok"
    except Exception as error:  # any failure of the component makes it unavailable: that is the answer
        logger.warning("readiness: %s unavailable: %r", name, error)
        status = "unavailable"
    return {"status": status, "backend": probe.backend(), "required": probe.required,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


COMPONENT = inline_serializer("ReadinessComponent", {
    "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
    "backend": serializers.CharField(help_text="e.g. postgresql or sqlite, redis or local-memory, dynamodb"),
    "required": serializers.BooleanField(help_text="false: the app keeps serving without it, degraded"),
    "latency_ms": serializers.FloatField(),
})
READINESS = inline_serializer("Readiness", {
    "status": serializers.ChoiceField(
        choices=["ready", "degraded", "unavailable"],
        help_text="degraded: only a component that is not required is unavailable (e.g. Redis: throttles fail "
                  "open, logins answer 503, users are read from the database)",
    ),
    "components": serializers.DictField(child=COMPONENT),
})


@extend_schema(
    summary="Liveness check",
    description="Answers 200 when this process can serve requests. It checks nothing else: not DynamoDB, not "
    "the user database, not Cognito. Kept so (the old client's contract) because a load balancer that took a "
    "DynamoDB outage for a dead instance would take every instance out of service at once.",
    responses=inline_serializer(
        "HealthCheck", {"success": serializers.BooleanField(), "ver": serializers.IntegerField()}
    ),
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])  # load balancers poll it often
def health_check(request):
    return Response({"success": True, "ver": 1})


@extend_schema(
    summary="Readiness: the user database, DynamoDB and the shared cache, each with its latency",
    responses={
        200: OpenApiResponse(READINESS, description="Every required component answers (maybe degraded)."),
        503: OpenApiResponse(READINESS, description="A required component (database, DynamoDB) does not answer."),
    },
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
@throttle_classes([])  # an operator must see it even when the cache that counts requests is down
def readiness(request):
    components = {name: _run(name, probe) for name, probe in PROBES.items()}
    down = [name for name, component in components.items() if component["status"] != "ok"]
    required_down = any(PROBES[name].required for name in down)
    status = "unavailable" if required_down else "degraded" if down else "ready"
    return Response({"status": status, "components": components}, status=503 if required_down else 200)
