"""Thin viewsets: parse the request, call the messaging services, serialize the dataclasses."""
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cruddur.api.errors import BODY_CODES
from cruddur.api.schema import (
    AUTHENTICATED_ERRORS,
    BODY_ERRORS,
    NOT_FOUND,
    RETRY_AFTER,
    validation_errors,
)
from messaging import services
from messaging.api.pagination import PAGE_PARAMETERS, page_response
from messaging.api.serializers import (
    MarkReadSerializer,
    MessageGroupSerializer,
    MessageSerializer,
    MutedSerializer,
    ReadPositionSerializer,
    SendMessageSerializer,
    SentMessageSerializer,
    UnreadSummarySerializer,
)
from messaging.errors import PAGING_CODES, READ_CODES, SEND_CODES, ValidationFailed
from messaging.recipients import InConversation, Recipient, ToHandle

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", {"type": "string", "pattern": r"^[A-Za-z0-9_\-.:]{1,128}$"}, OpenApiParameter.HEADER,
    description="Makes a retry safe: a resend with the same key returns the first result.",
)

GROUP_PARAMETER = OpenApiParameter("message_group_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH)
MUTE_SCHEMA = {
    "request": None,
    "parameters": [GROUP_PARAMETER, RETRY_AFTER],
    "responses": {
        200: MutedSerializer,
        404: NOT_FOUND,
        422: validation_errors(["message_group_uuid_invalid"]),
        **AUTHENTICATED_ERRORS,
    },
}


def _page_query(request) -> dict:
    # Raw query-string values: the service validates them and answers with error codes.
    return {name: request.query_params.get(name) for name in ("limit", "before", "after")}


def _as_text(value) -> str:
    # A recipient that is not a string is as good as blank: the rules answer it with the blank code.
    return value if isinstance(value, str) else ""


def recipient_of(body: dict) -> Recipient:
    """The old backend's rule: a present `message_group_uuid` (even blank) continues that conversation;
    otherwise the message goes to `handle`."""
    if body.get("message_group_uuid") is not None:
        return InConversation(message_group_uuid=_as_text(body["message_group_uuid"]))
    return ToHandle(handle=_as_text(body.get("handle")))


# Answers with people's messages: never stored by a browser or a shared cache (Cache-Control: private, no-store).
@method_decorator(never_cache, name="dispatch")
class MessageGroupViewSet(viewsets.ViewSet):
    @extend_schema(
        operation_id="message_groups_list",
        summary="My conversations, newest first",
        parameters=[*PAGE_PARAMETERS, RETRY_AFTER],
        responses={
            200: MessageGroupSerializer(many=True),
            422: validation_errors(list(PAGING_CODES)),
            **AUTHENTICATED_ERRORS,
        },
    )
    def list(self, request):
        page = services.list_message_groups(user=request.user, **_page_query(request))
        return page_response(request, page, MessageGroupSerializer)

    @extend_schema(
        operation_id="message_groups_unread",
        summary="My unread total",
        description="Unread messages over my unmuted conversations, and how many of them have any.",
        parameters=[RETRY_AFTER],
        responses={200: UnreadSummarySerializer, **AUTHENTICATED_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def unread(self, request):
        return Response(UnreadSummarySerializer(services.unread_summary(user=request.user)).data)


@method_decorator(never_cache, name="dispatch")
class MessageViewSet(viewsets.ViewSet):
    lookup_field = "message_group_uuid"
    lookup_value_regex = "[^/]+"  # the service answers a malformed uuid with its error code

    @extend_schema(
        operation_id="messages_list",
        summary="Messages of a conversation, oldest first",
        description="The newest page by default; `before` pages back, `after` polls for new messages. "
        "404 unless the caller is a member.",
        parameters=[
            GROUP_PARAMETER,
            *PAGE_PARAMETERS,
            RETRY_AFTER,
        ],
        responses={
            200: MessageSerializer(many=True),
            404: NOT_FOUND,
            422: validation_errors(["message_group_uuid_invalid", *PAGING_CODES]),
            **AUTHENTICATED_ERRORS,
        },
    )
    def retrieve(self, request, message_group_uuid):
        page = services.list_messages(user=request.user, message_group_uuid=message_group_uuid,
                                      **_page_query(request))
        return page_response(request, page, MessageSerializer)

    @extend_schema(
        operation_id="messages_create",
        summary="Send a message",
        description="`{message, handle}` starts or continues the conversation with `handle`; "
        "`{message, message_group_uuid}` continues one (404 unless the caller is a member). "
        "Answers 200, as the old client expects.",
        request=SendMessageSerializer,
        parameters=[IDEMPOTENCY_KEY, RETRY_AFTER],
        responses={
            200: SentMessageSerializer,
            404: NOT_FOUND,
            **BODY_ERRORS,
            422: validation_errors([*SEND_CODES, *BODY_CODES]),
            **AUTHENTICATED_ERRORS,
        },
    )
    def create(self, request):
        body = request.data
        if not isinstance(body, dict):
            raise ValidationFailed(["body_invalid"])
        # The text as the JSON has it: the service checks its type and contents and answers with codes.
        message = services.send_message(
            sender=request.user,
            text=body.get("message"),
            to=recipient_of(body),
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        return Response(SentMessageSerializer(message).data)

    @extend_schema(
        operation_id="messages_read",
        summary="Mark a conversation read",
        description="Moves my read position forward to `up_to` (default: the newest message; a later time means "
        "the newest); an earlier position than mine changes nothing. 404 unless the caller is a member.",
        request=MarkReadSerializer,
        parameters=[GROUP_PARAMETER, RETRY_AFTER],
        responses={
            200: ReadPositionSerializer,
            404: NOT_FOUND,
            **BODY_ERRORS,
            422: validation_errors([*READ_CODES, *BODY_CODES]),
            **AUTHENTICATED_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def read(self, request, message_group_uuid):
        body = request.data
        if not isinstance(body, dict):
            raise ValidationFailed(["body_invalid"])
        position = services.mark_read(user=request.user, message_group_uuid=message_group_uuid,
                                      up_to=body.get("up_to"))
        return Response(ReadPositionSerializer(position).data)

    @extend_schema(
        methods=["POST"],
        operation_id="messages_mute",
        summary="Mute a conversation",
        description="A muted conversation keeps its own `unread_count` but adds nothing to the unread total. "
        "Idempotent. 404 unless the caller is a member.",
        **MUTE_SCHEMA,
    )
    @extend_schema(
        methods=["DELETE"],
        operation_id="messages_unmute",
        summary="Unmute a conversation",
        description="Its unread messages count in the total again. Idempotent. 404 unless the caller is a member.",
        **MUTE_SCHEMA,
    )
    @action(detail=True, methods=["post", "delete"])
    def mute(self, request, message_group_uuid):
        muted = services.set_muted(user=request.user, message_group_uuid=message_group_uuid,
                                   muted=request.method == "POST")
        return Response(MutedSerializer({"message_group_uuid": message_group_uuid.lower(), "muted": muted}).data)
