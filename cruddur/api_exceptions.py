"""API exceptions of our own; kept apart from the handler so authentication can import them
without importing DRF's views (which import the authentication classes)."""
from rest_framework import status
from rest_framework.exceptions import APIException


class ServiceUnavailable(APIException):
    """A backing service (DynamoDB, Cognito's key set) cannot answer now; the client should retry."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Service temporarily unavailable, try again later."
    default_code = "service_unavailable"

    def __init__(self, detail=None, retry_after: int = 1):
        super().__init__(detail)
        self.retry_after = retry_after
