from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response


@extend_schema(
    summary="Liveness check",
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
