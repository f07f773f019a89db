"""The old client's JSON shapes, read from the store's dataclasses.

Times are passed through as stored (UTC ISO 8601 with microseconds and `+00:00`), byte for byte.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.store.timefmt import ITEM_TIME_PATTERN


@extend_schema_field(OpenApiTypes.DATETIME)
class StoredTimeField(serializers.CharField):
    """A stored timestamp string, unchanged."""


class MessageGroupSerializer(serializers.Serializer):
    """A conversation as one member sees it: the other member and the last message."""

    uuid = serializers.UUIDField(help_text="The message group (conversation).")
    display_name = serializers.CharField(source="other.display_name", help_text="The other member's name.")
    handle = serializers.CharField(source="other.handle", help_text="The other member's handle.")
    message = serializers.CharField(source="last_message", help_text="The last message's text.")
    created_at = StoredTimeField(source="last_message_at", help_text="When the last message was sent.")
    unread_count = serializers.IntegerField(help_text="Messages from the other member after my read position.")
    muted = serializers.BooleanField(help_text="Muted: keeps its own count, adds nothing to the unread total.")


class MessageSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="The message.")
    display_name = serializers.CharField(source="sender.display_name", help_text="The sender's name.")
    handle = serializers.CharField(source="sender.handle", help_text="The sender's handle.")
    message = serializers.CharField(source="text", help_text="The text; empty once deleted.")
    created_at = StoredTimeField()
    # Additions the old client ignores.
    edited_at = StoredTimeField(allow_null=True, help_text="When the sender last edited it; null when never.")
    deleted = serializers.BooleanField(help_text="Deleted by its sender: it stays in the history with empty text.")


class _ConversationRef(serializers.Serializer):
    message_group_uuid = serializers.UUIDField(help_text="The conversation the message went into.")


class SentMessageSerializer(_ConversationRef, MessageSerializer):
    """The answer to a send: the message plus its conversation (first base's fields come first)."""


class SendMessageSerializer(serializers.Serializer):
    """The old client's body, `{message, handle}` or `{message, message_group_uuid}`: documents the
    request; the messaging service checks the raw JSON values and answers with error codes."""

    message = serializers.CharField(help_text="The text, at most 1024 characters.")
    handle = serializers.CharField(required=False, help_text="Start or continue the conversation with this user.")
    message_group_uuid = serializers.UUIDField(required=False, help_text="Continue this conversation.")


class EditMessageSerializer(serializers.Serializer):
    """The body of an edit: documents the request; the messaging service checks the raw JSON value."""

    message = serializers.CharField(help_text="The new text, at most 1024 characters.")


class DeletedMessageSerializer(serializers.Serializer):
    uuid = serializers.UUIDField(source="message_uuid", help_text="The deleted message.")
    deleted = serializers.SerializerMethodField()

    def get_deleted(self, _) -> bool:
        return True
class UnreadSummarySerializer(serializers.Serializer):
    unread_count = serializers.IntegerField(help_text="Unread messages over my unmuted conversations.")
    conversations = serializers.IntegerField(help_text="How many of my unmuted conversations have unread messages.")


@extend_schema_field({"type": "string", "pattern": ITEM_TIME_PATTERN})
class ReadPositionField(serializers.CharField):
    """A message time as the store writes it or the old backend stored it (a `created_at`)."""


class MarkReadSerializer(serializers.Serializer):
    """Documents the body of a mark-read; the messaging service checks the raw JSON value (`up_to_invalid`)."""

    up_to = ReadPositionField(required=False, help_text="Read up to this message time (a `created_at`, also the old "
                              "backend's stored forms); default and at most: the newest message. A position never "
                              "moves back.")


class ReadPositionSerializer(_ConversationRef):
    last_read_at = StoredTimeField(help_text="My read position: the `created_at` of the newest message read.")
    unread_count = serializers.IntegerField(help_text="Messages from the other member after it.")


class MutedSerializer(_ConversationRef):
    muted = serializers.BooleanField()
