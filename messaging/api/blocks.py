"""Block endpoints: `POST`/`DELETE /api/users/@<handle>/block`, `GET /api/users/blocked`.

Routed under /api/users/ beside the user endpoints, but here: blocking is a messaging rule (messaging.blocking),
and the users app imports nothing of messaging."""
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cruddur.api.schema import AUTHENTICATED_ERRORS, NOT_FOUND, RETRY_AFTER, validation_errors
from messaging import blocking
from messaging.errors import BLOCK_CODES


class BlockStateSerializer(serializers.Serializer):
    handle = serializers.CharField(help_text="The other user's current handle.")
    blocked = serializers.BooleanField(help_text="Whether the caller now blocks them.")


class BlockedUserSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    handle = serializers.CharField()
    display_name = serializers.CharField()


_BLOCK_ERRORS = {404: NOT_FOUND, 422: validation_errors(list(BLOCK_CODES)), **AUTHENTICATED_ERRORS}


@method_decorator(never_cache, name="dispatch")
class BlockView(APIView):
    @extend_schema(
        operation_id="users_block",
        summary="Block a user",
        description="While either of two users blocks the other, a send between them is 422 "
        "`message_recipient_unavailable`; the conversation leaves the blocker's list until unblocked. "
        "Blocking someone already blocked answers the same 200. 404 for a handle of no active user.",
        request=None,
        parameters=[RETRY_AFTER],
        responses={200: BlockStateSerializer, **_BLOCK_ERRORS},
    )
    def post(self, request, handle):
        blocked = blocking.block_user(blocker=request.user, handle=handle)
        return Response(BlockStateSerializer({"handle": blocked.handle, "blocked": True}).data)

    @extend_schema(
        operation_id="users_unblock",
        summary="Unblock a user",
        description="The conversation comes back to the caller's list with its history. Unblocking someone "
        "not blocked answers the same 200. 404 for a handle of no user.",
        request=None,
        parameters=[RETRY_AFTER],
        responses={200: BlockStateSerializer, **_BLOCK_ERRORS},
    )
    def delete(self, request, handle):
        unblocked = blocking.unblock_user(blocker=request.user, handle=handle)
        return Response(BlockStateSerializer({"handle": unblocked.handle, "blocked": False}).data)


@method_decorator(never_cache, name="dispatch")
class BlockedUsersView(APIView):
    @extend_schema(
        operation_id="users_blocked",
        summary="The users I block",
        description="By handle, with their current handles and names.",
        parameters=[RETRY_AFTER],
        responses={200: BlockedUserSerializer(many=True), **AUTHENTICATED_ERRORS},
    )
    def get(self, request):
        return Response(BlockedUserSerializer(blocking.blocked_users(blocker=request.user), many=True).data)
