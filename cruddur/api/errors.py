"""The one base type of the errors the API answers, and the codes any JSON body may earn.

Kept apart from the handler (which imports DRF's views, which import the authentication classes) so
that authentication and the apps' services can raise these without an import cycle.
"""
from collections.abc import Sequence

UNPROCESSABLE = 422
BODY_NOT_JSON, BODY_INVALID = "body_not_json", "body_invalid"
# What any endpoint with a JSON body may answer before its own rules run.
BODY_CODES = (BODY_NOT_JSON, BODY_INVALID)


class ApiError(Exception):
    """An error that carries its answer: the HTTP `status`, and as body either `codes` (the old backend's
    bare JSON array of error codes) or `{"detail": detail}`; `retry_after` adds that header."""

    status: int = 500
    detail: str = "Internal server error."

    def __init__(self, message: str = "", *, codes: Sequence[str] = (), detail: str | None = None,
                 retry_after: int | None = None):
        self.codes = list(codes)
        if detail is not None:
            self.detail = detail
        self.retry_after = retry_after
        super().__init__(message or ", ".join(self.codes) or self.detail)


class ValidationFailed(ApiError):
    """Bad input; `codes` are error codes (HTTP 422 with the JSON array)."""

    status = UNPROCESSABLE

    def __init__(self, codes: Sequence[str]):
        super().__init__(codes=codes)


class NotFound(ApiError):
    """No such thing, or not the caller's to see (HTTP 404, never 403: no leaks)."""

    status = 404
    detail = "Not found."


class ServiceUnavailable(ApiError):
    """A backing service (DynamoDB, Cognito's key set) cannot answer now; the client should retry."""

    status = 503
    detail = "Service temporarily unavailable, try again later."

    def __init__(self, message: str = "", *, detail: str | None = None, retry_after: int = 1):
        super().__init__(message, detail=detail, retry_after=retry_after)
