"""`/api/messages/<message_group_uuid>/<message_uuid>`: edit (PATCH) and delete (DELETE) your own message."""
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cruddur.api.errors import BODY_CODES
from cruddur.api.schema import AUTHENTICATED_ERRORS, BODY_ERRORS, NOT_FOUND, RETRY_AFTER, validation_errors
from messaging import message_edits
from messaging.api.serializers import DeletedMessageSerializer, EditMessageSerializer, MessageSerializer
from messaging.errors import EDIT_CODES, MESSAGE_PATH_CODES, ValidationFailed

MESSAGE_PATH = [
    OpenApiParameter("message_group_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
    OpenApiParameter("message_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH),
]


@method_decorator(never_cache, name="dispatch")
class MessageView(APIView):
    @extend_schema(
        operation_id="messages_partial_update",
        summary="Edit your own message",
        description="Replaces the text, with the validation of a send, within `MESSAGE_EDIT_WINDOW_SECONDS` "
        "(default 900) of sending; a deleted message cannot be edited. 404 unless it is the caller's own "
        "message in a conversation they are in.",
        request=EditMessageSerializer,
        parameters=[*MESSAGE_PATH, RETRY_AFTER],
        responses={
            200: MessageSerializer,
            404: NOT_FOUND,
            **BODY_ERRORS,
            422: validation_errors([*EDIT_CODES, *BODY_CODES]),
            **AUTHENTICATED_ERRORS,
        },
    )
    def patch(self, request, message_group_uuid, message_uuid):
        body = request.data
        if not isinstance(body, dict):
            raise ValidationFailed(["body_invalid"])
        message = message_edits.edit_message(author=request.user, message_group_uuid=message_group_uuid,
                                             message_uuid=message_uuid, text=body.get("message"))
        return Response(MessageSerializer(message).data)

    @extend_schema(
        operation_id="messages_destroy",
        summary="Delete your own message",
        description="The message stays in the history with empty text and `deleted: true`. Deleting it "
        "again answers the same and changes nothing. 404 unless it is the caller's own message in a "
        "conversation they are in.",
        parameters=[*MESSAGE_PATH, RETRY_AFTER],
        responses={
            200: DeletedMessageSerializer,
            404: NOT_FOUND,
            422: validation_errors(list(MESSAGE_PATH_CODES)),
            **AUTHENTICATED_ERRORS,
        },
    )
    def delete(self, request, message_group_uuid, message_uuid):
        deleted = message_edits.delete_message(author=request.user, message_group_uuid=message_group_uuid,
                                               message_uuid=message_uuid)
        return Response(DeletedMessageSerializer(deleted).data)
