"""What the services publish after a write has committed: one bus publish per event, to the members' streams."""
from collections.abc import Iterable

from messaging.live import events
from messaging.live.bus import Envelope, publish
from messaging.live.serializers import MessageDeletedEventSerializer, MessageEventSerializer
from messaging.store.models import Message, MessageLookup


def message_data(message: Message) -> dict:
    return dict(MessageEventSerializer(message).data)


def publish_message(*, message: Message, member_uuids: Iterable[str]) -> None:
    """A stored message, to every member's streams (the sender's other tabs too)."""
    publish(Envelope(events.MESSAGE, tuple(member_uuids), message_data(message)))


def publish_read(*, user_uuid: str, message_group_uuid: str, unread_count: int) -> None:
    """The user's counts changed (a read, a mute): to that user's streams only. Each stream adds the total as it
    delivers the event (one Query there), so the request that changed the counts pays no read for it."""
    publish(Envelope(events.READ, (user_uuid,), {"message_group_uuid": message_group_uuid,
                                                  "unread_count": unread_count}))


def publish_message_updated(*, message: Message, member_uuids: Iterable[str]) -> None:
    """An edited message as it now is, to both members' streams."""
    publish(Envelope(events.MESSAGE_UPDATED, tuple(member_uuids), message_data(message)))


def publish_message_deleted(*, deleted: MessageLookup, member_uuids: Iterable[str]) -> None:
    data = MessageDeletedEventSerializer({"message_group_uuid": deleted.message_group_uuid,
                                          "uuid": deleted.message_uuid, "deleted": True}).data
    publish(Envelope(events.MESSAGE_DELETED, tuple(member_uuids), dict(data)))
