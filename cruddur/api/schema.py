"""OpenAPI descriptions of the API's error answers, shared by every endpoint's `extend_schema`."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from cruddur.api.errors import BODY_CODES

ErrorDetail = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})

RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429, 503],
    description="Seconds to wait before trying again.",
)


def _detail(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorDetail, description=description)


def validation_errors(codes: list[str]) -> OpenApiResponse:
    """422: the old backend's bare JSON array of error codes."""
    return OpenApiResponse(
        {"type": "array", "items": {"type": "string", "enum": codes}},
        description="Validation failed: a JSON array of error codes.",
    )


def serializer_error_codes(serializer_class) -> list[str]:
    """Every code DRF may report for the serializer's body, as `handlers.validation_codes` names them."""
    codes = []
    for name, field in serializer_class().fields.items():
        field_codes = [*field.error_messages, *(getattr(v, "code", "invalid") for v in field.validators)]
        codes += [f"{name}_{code}" for code in dict.fromkeys(field_codes)]
    return [*codes, *BODY_CODES]


UNAUTHORIZED = _detail("Missing, malformed, expired or otherwise invalid token; the body says why.")
FORBIDDEN = _detail("A valid token of no registered (or a disabled) user, or a session request without its CSRF token.")
NOT_FOUND = _detail("Not found.")
THROTTLED = _detail("Too many requests; `Retry-After` says when to try again.")
UNAVAILABLE = _detail("DynamoDB (or Cognito's key set) is unreachable or throttling; retry after `Retry-After`.")
TOO_LARGE = _detail("Request body larger than the server accepts.")
UNSUPPORTED_MEDIA = _detail("The body is not `application/json`.")

# Any endpoint that needs a user: a Cognito token can also meet an unreachable key set (503).
AUTHENTICATED_ERRORS = {401: UNAUTHORIZED, 403: FORBIDDEN, 429: THROTTLED, 503: UNAVAILABLE}
BODY_ERRORS = {413: TOO_LARGE, 415: UNSUPPORTED_MEDIA}
