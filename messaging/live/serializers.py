"""The data of each live event type, for the payloads and the OpenAPI schema."""
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from messaging.api.serializers import SentMessageSerializer
from messaging.live.events import EVENT_TYPES


class MessageEventSerializer(SentMessageSerializer):
    """`message` and `message_updated` (an edit): the message JSON of `GET /api/messages` plus
    `message_group_uuid`."""


class ReadEventSerializer(serializers.Serializer):
    """`read`: the signed-in user's unread counts changed."""

    message_group_uuid = serializers.UUIDField()
    unread_count = serializers.IntegerField(min_value=0, help_text="Unread messages in this conversation.")
    total_unread_count = serializers.IntegerField(min_value=0, help_text="Unread over all unmuted conversations.")


class MessageDeletedEventSerializer(serializers.Serializer):
    """`message_deleted`: the message stays in the history, emptied."""

    message_group_uuid = serializers.UUIDField()
    uuid = serializers.UUIDField(help_text="The message.")
    deleted = serializers.BooleanField()


EVENT_DATA = PolymorphicProxySerializer(
    component_name="LiveEventData",
    serializers=[MessageEventSerializer, ReadEventSerializer, MessageDeletedEventSerializer],
    resource_type_field_name=None,
)


class LiveEventSerializer(serializers.Serializer):
    """One server-sent event, as the stream frames it: `id:`, `event:` and one `data:` line of JSON."""

    id = serializers.CharField(help_text="The stream position: send it back as `Last-Event-ID` to resume.")
    event = serializers.ChoiceField(choices=EVENT_TYPES)
    data = EVENT_DATA
