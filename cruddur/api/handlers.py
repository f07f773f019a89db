"""Every error under /api/ is JSON: DRF's exception handler plus Django's error handlers.

Validation errors keep the old backend's shape: HTTP 422 with a bare JSON array of error codes.
Everything else is `{"detail": "..."}` with the matching status.
"""
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from cruddur.api.errors import BODY_INVALID, BODY_NOT_JSON, UNPROCESSABLE, ApiError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def validation_codes(exc: exceptions.ValidationError) -> list[str]:
    """DRF's errors as codes like the old backend's: `<field>_<code>`, or `body_invalid` when the
    body as a whole is wrong (not a JSON object)."""
    codes = exc.get_codes()
    if not isinstance(codes, dict):
        return [BODY_INVALID]
    flat = []
    for field, field_codes in codes.items():
        if field == api_settings.NON_FIELD_ERRORS_KEY:
            flat.append(BODY_INVALID)
        else:
            flat.extend(f"{field}_{code}" for code in field_codes)
    return flat


def error_response(error: ApiError) -> Response:
    """The answer an ApiError carries: its codes as a bare array, else its detail."""
    if error.status >= 500:
        logger.warning("%s answered %d: %s", type(error).__name__, error.status, error)
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    body = error.codes if error.codes else {"detail": error.detail}
    return Response(body, status=error.status, headers=headers)


def exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: our errors as they say, DRF's body errors in the old client's 422 shape."""
    if isinstance(exc, ApiError):
        return error_response(exc)
    if isinstance(exc, exceptions.ParseError):
        return Response([BODY_NOT_JSON], status=UNPROCESSABLE)
    if isinstance(exc, exceptions.ValidationError):
        return Response(validation_codes(exc), status=UNPROCESSABLE)
    if isinstance(exc, RequestDataTooBig):
        # DRF reads JSON bodies through `request.body`, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE applies.
        return Response({"detail": "Request body too large."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    return drf_exception_handler(exc, context)


# Django's error handlers (handler400/403/404/500): JSON under /api/, the stock pages elsewhere.

def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Permission denied."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return defaults.server_error(request)
