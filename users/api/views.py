"""User endpoints of the API: a user's short profile and the local token endpoint."""
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cruddur.api.schema import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    NOT_FOUND,
    RETRY_AFTER,
    THROTTLED,
    ErrorDetail,
    serializer_error_codes,
    validation_errors,
)
from cruddur.api.throttling import ClientIPRateThrottle
from users import selectors
from users.authentication import BearerTokenAuthentication, issue_local_token
from users.throttling import LoginRateThrottle
from users.validators import LOGIN_MAX_LENGTH

WRONG_CREDENTIALS = OpenApiResponse(ErrorDetail, description="Wrong handle, email or password.")
LOGIN_BUDGET_UNAVAILABLE = OpenApiResponse(
    ErrorDetail, description="The login attempt budget cannot be checked (the shared cache is unavailable): no "
                             "password was checked; retry after `Retry-After`.",
)


class UserShortSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    handle = serializers.CharField()
    display_name = serializers.CharField()


class CredentialsSerializer(serializers.Serializer):
    # As long as an email may be: the lookup need not compare (SQLite: LIKE) anything longer.
    username = serializers.CharField(
        max_length=LOGIN_MAX_LENGTH, help_text="A handle (with or without @) or an email address."
    )
    password = serializers.CharField(trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds until the token expires.")


class UserShortView(APIView):
    @extend_schema(
        operation_id="users_short",
        summary="A user's handle, name and uuid",
        parameters=[RETRY_AFTER],
        responses={200: UserShortSerializer, 404: NOT_FOUND, **AUTHENTICATED_ERRORS},
    )
    def get(self, request, handle):
        return Response(UserShortSerializer(selectors.user_short(handle=handle)).data)


class TokenView(APIView):
    """Trade a handle or email and password for a short-lived local bearer token."""

    # Credentials are the body; a stale Authorization header must not get in the way.
    authentication_classes = []
    permission_classes = []
    # One budget of password guesses per address, shared with the login pages.
    throttle_classes = [ClientIPRateThrottle, LoginRateThrottle]

    @extend_schema(
        operation_id="auth_token",
        summary="Get a local access token",
        auth=[],
        request=CredentialsSerializer,
        parameters=[RETRY_AFTER],
        responses={
            200: TokenSerializer,
            401: WRONG_CREDENTIALS,
            422: validation_errors(serializer_error_codes(CredentialsSerializer)),
            429: THROTTLED,
            503: LOGIN_BUDGET_UNAVAILABLE,
            **BODY_ERRORS,
        },
    )
    def post(self, request):
        body = CredentialsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticate(request._request, **body.validated_data)
        if user is None:
            raise exceptions.AuthenticationFailed("Wrong handle, email or password.")
        token = issue_local_token(user)
        return Response(
            TokenSerializer(
                {"access_token": token.access_token, "token_type": "Bearer", "expires_in": token.expires_in}
            ).data
        )

    def get_authenticate_header(self, request):
        # No authenticators here, yet a wrong password is a 401 (DRF would make it a 403).
        return BearerTokenAuthentication().authenticate_header(request)
