"""The stream Lambda of stream mode: re-key both members' group items for each new message.

Deployed alone (this file and `messaging/store/`, no Django): the store is built from the
environment variables `DDB_MESSAGE_TABLE`, `AWS_ENDPOINT_URL` (unset = real DynamoDB) and
`AWS_DEFAULT_REGION`. `manage.py ddb stream-worker` feeds it the same batches locally.
"""
import functools
import logging
import os

from messaging.store import items
from messaging.store.client import ClientSettings, make_client
from messaging.store.models import Message
from messaging.store.store import MessageStore

logger = logging.getLogger(__name__)
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


class MalformedRecord(ValueError):
    """A message record without the attributes every message item has."""


@functools.cache
def store_from_environment() -> MessageStore:
    client = make_client(ClientSettings(
        region=os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1",
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
    ))
    return MessageStore(client, os.environ.get("DDB_MESSAGE_TABLE", "cruddur-messages"), group_updates="stream")


def new_message(record: dict) -> Message | None:
    """The message a stream record inserted, or None for any other record."""
    if record.get("eventName") != "INSERT":
        return None
    image = record.get("dynamodb", {}).get("NewImage", {})
    if not image.get("pk", {}).get("S", "").startswith("MSG#"):
        return None
    message = items.message_from_item(image)
    if not (message.message_group_uuid and message.uuid and message.created_at and message.sender.uuid):
        raise MalformedRecord(f"message item without its attributes: {sorted(image)}")
    return message


def lambda_handler(event: dict, context, store: MessageStore | None = None) -> dict:
    """Apply every new message of the batch; report the records that failed, for Lambda to retry.

    Applying is idempotent and ignores messages older than a conversation's last one, so repeated
    and out-of-order records are harmless. `store` is for the local stream worker.
    """
    store = store or store_from_environment()
    failures = []
    for record in event.get("Records", []):
        try:
            message = new_message(record)
            if message is not None and store.apply_message_to_groups(message=message):
                logger.info("group items of %s moved to message %s", message.message_group_uuid, message.uuid)
        except Exception:
            logger.exception("stream record %s failed", record.get("eventID"))
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}
