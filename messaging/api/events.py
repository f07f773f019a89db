"""`GET /api/events`: the signed-in user's server-sent events (messaging/live/)."""
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from cruddur.api.schema import AUTHENTICATED_ERRORS, RETRY_AFTER, validation_errors
from messaging import ddb
from messaging.live.events import EVENT_ID_PATTERN, MAX_EVENT_ID_LENGTH
from messaging.live.serializers import LiveEventSerializer
from messaging.live.stream import Limits, catch_up, event_stream, parse_position

# Opaque to clients: taken from an event's `id`.
EVENT_ID = {"type": "string", "pattern": EVENT_ID_PATTERN, "maxLength": MAX_EVENT_ID_LENGTH}

STREAM_DESCRIPTION = """A `text/event-stream` of the signed-in user's events, authenticated by bearer token or
session (an `EventSource` sends the session cookie):

- `message`: a message stored in any of the user's conversations, by anyone, through the API, the pages or a
  command. Data: the message JSON of `GET /api/messages` plus `message_group_uuid`.
- `read`: the user's unread counts changed. Data: `{message_group_uuid, unread_count, total_unread_count}`.
- `message_updated`, `message_deleted`: reserved for edits (coming); a client ignores event types it does not know.

Every event has an `id`. Reconnect with it as `Last-Event-ID` (the header `EventSource` sends, or the query
parameter `last_event_id`) to get every message stored since that event exactly once, in order per conversation,
recovered from the table however long ago it was. Comment lines (`: keep-alive`) come at least every 25 s. The
server ends a stream with a `retry:` hint (its lifetime or idle time is over, the live bus is down, too many open
streams): reconnect after that many milliseconds with the last id, or poll `GET /api/messages/<uuid>?after=`.
Served by a WSGI worker instead of the ASGI server, the answer is what was missed since `Last-Event-ID` and
then the end with a `retry:` hint.
A malformed `Last-Event-ID` is 422 `last_event_id_invalid`."""


class EventStreamView(APIView):
    @extend_schema(
        operation_id="events_stream",
        summary="Live events (server-sent events)",
        description=STREAM_DESCRIPTION,
        parameters=[
            OpenApiParameter("Last-Event-ID", EVENT_ID, OpenApiParameter.HEADER,
                             description="The `id` of the last event received: resume after it."),
            OpenApiParameter("last_event_id", EVENT_ID,
                             description="The same, for clients that cannot set the header."),
            RETRY_AFTER,
        ],
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                LiveEventSerializer, description="One event per frame: `id:`, `event:`, `data:` (JSON)."),
            422: validation_errors(["last_event_id_invalid"]),
            **AUTHENTICATED_ERRORS,
        },
    )
    def get(self, request):
        position = parse_position(header=request.headers.get("Last-Event-ID"),
                                  query=request.query_params.get("last_event_id"))
        # Under ASGI a live stream; a WSGI worker only catches up and closes, as one stream would pin it.
        serve = event_stream if isinstance(request._request, ASGIRequest) else catch_up
        stream = serve(user_uuid=str(request.user.uuid), position=position, limits=Limits.from_settings(),
                       store=ddb.get_store())
        response = StreamingHttpResponse(stream, content_type="text/event-stream")
        response["Cache-Control"] = "private, no-store"
        response["X-Accel-Buffering"] = "no"  # a proxy that buffers would hold the events back
        return response
