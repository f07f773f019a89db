from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response


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
