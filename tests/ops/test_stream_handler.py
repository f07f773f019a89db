"""The stream Lambda on a recorded DynamoDB Streams batch, built from its environment as in AWS.

`events/stream_mode_batch.json` was recorded from DynamoDB Local: two users, four messages sent in
stream mode (the first starts the conversation; one carries an Idempotency-Key). It holds the
table as the sends left it (`table_before`), the stream batch those sends produced (`event`:
message, conversation, pair, group, receipt and marker inserts) and the batch the handler's own
re-keying then produced (`handler_writes`: MODIFY, REMOVE and group INSERT records).
"""
import copy
import json
from pathlib import Path

import pytest
from cfnlint.decode import decode
from moto.events.models import EventPattern

from messaging.store.store import MessageStore
from messaging.store.table_check import scan_items
from messaging.stream import lambda_handler, store_from_environment

RECORDED = json.loads((Path(__file__).parent / "events" / "stream_mode_batch.json").read_text())


@pytest.fixture
def table(ddb_backend, monkeypatch):
    """The recorded table state in a fresh table, and the Lambda's environment pointing at it."""
    client, table_name = ddb_backend
    for item in RECORDED["table_before"]:
        client.put_item(TableName=table_name, Item=item)
    monkeypatch.setenv("DDB_MESSAGE_TABLE", table_name)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    if "127.0.0.1" in client.meta.endpoint_url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", client.meta.endpoint_url)
    else:
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    store_from_environment.cache_clear()
    yield client, table_name
    store_from_environment.cache_clear()


def records():
    return copy.deepcopy(RECORDED["event"]["Records"])


def message_records():
    return [r for r in records() if r["dynamodb"]["Keys"]["pk"]["S"].startswith("MSG#")]


def newest_message():
    image = max((r["dynamodb"]["NewImage"] for r in message_records()), key=lambda image: image["sk"]["S"])
    return image["pk"]["S"].removeprefix("MSG#"), image["sk"]["S"], image["message"]["S"]


def members():
    conversation = next(i for i in RECORDED["table_before"] if i["pk"]["S"].startswith("CONV#"))
    return {uuid: value["M"]["handle"]["S"] for uuid, value in conversation["members"]["M"].items()}


def snapshot(client, table_name):
    return sorted(json.dumps(item, sort_keys=True) for item in scan_items(client, table_name))


def assert_groups_show_the_newest_message(client, table_name):
    group_uuid, created_at, text = newest_message()
    store = MessageStore(client, table_name)
    handles = members()
    for member, other in zip(handles, reversed(handles), strict=True):
        groups = store.list_groups(user_uuid=member, limit=10).items
        assert [(g.uuid, g.other.handle, g.last_message, g.last_message_at) for g in groups] == [
            (group_uuid, handles[other], text, created_at)
        ]
    assert store.get_conversation(message_group_uuid=group_uuid).last_message_at == created_at


def test_the_recorded_table_is_stale_before_the_handler_runs(table):
    group_uuid, created_at, _ = newest_message()

    conversation = MessageStore(*table).get_conversation(message_group_uuid=group_uuid)

    assert conversation.last_message_at < created_at


def test_a_batch_in_order_moves_both_group_items_to_the_newest_message(table):
    result = lambda_handler({"Records": records()}, None)

    assert result == {"batchItemFailures": []}
    assert_groups_show_the_newest_message(*table)


def test_duplicated_and_reversed_records_end_in_the_same_state(table):
    shuffled = [record for record in reversed(records()) for _ in range(2)]

    result = lambda_handler({"Records": shuffled}, None)

    assert result == {"batchItemFailures": []}
    assert_groups_show_the_newest_message(*table)


def test_a_batch_delivered_again_changes_nothing(table):
    lambda_handler({"Records": records()}, None)
    after_first = snapshot(*table)

    result = lambda_handler({"Records": records()}, None)

    assert result == {"batchItemFailures": []}
    assert snapshot(*table) == after_first


def test_older_messages_arriving_after_newer_ones_change_nothing(table):
    newest, *older = sorted(message_records(), key=lambda r: r["dynamodb"]["NewImage"]["sk"]["S"], reverse=True)
    lambda_handler({"Records": [newest]}, None)
    after_newest = snapshot(*table)

    lambda_handler({"Records": older}, None)

    assert snapshot(*table) == after_newest
    assert_groups_show_the_newest_message(*table)


def test_records_of_other_items_and_events_are_ignored(table):
    before = snapshot(*table)
    others = [r for r in records() if r not in message_records()] + RECORDED["handler_writes"]["Records"]
    assert {r["eventName"] for r in others} == {"INSERT", "MODIFY", "REMOVE"}

    result = lambda_handler({"Records": others}, None)

    assert result == {"batchItemFailures": []}
    assert snapshot(*table) == before


def test_a_malformed_message_record_is_reported_and_the_rest_applied(table):
    broken = copy.deepcopy(message_records()[0])
    del broken["dynamodb"]["NewImage"]["message_uuid"]
    broken["dynamodb"]["SequenceNumber"] = "000000000000000000099"

    result = lambda_handler({"Records": [*records(), broken]}, None)

    assert result == {"batchItemFailures": [{"itemIdentifier": "000000000000000000099"}]}
    assert_groups_show_the_newest_message(*table)


def test_when_the_table_cannot_be_reached_every_message_record_is_reported(table, monkeypatch):
    monkeypatch.setenv("DDB_MESSAGE_TABLE", "cruddur-messages-that-does-not-exist")
    store_from_environment.cache_clear()

    result = lambda_handler({"Records": records()}, None)

    assert result == {"batchItemFailures": [
        {"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in message_records()
    ]}


# An edit in stream mode, recorded from DynamoDB Local: `table_after_edit` is the table once the stream had applied
# a second message and its sender then edited it (the edit's transaction updated both group items itself);
# `event` is the batch that edit produced: MODIFY records of the message and both group items.
EDITED = json.loads((Path(__file__).parent / "events" / "message_edit_batch.json").read_text())
TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "template.yaml"


def edited_table(client, table_name):
    for item in EDITED["table_after_edit"]:
        client.put_item(TableName=table_name, Item=item)


def test_edit_records_change_nothing_and_the_group_items_keep_the_edit(ddb_backend):
    client, table_name = ddb_backend
    edited_table(client, table_name)
    before = snapshot(client, table_name)
    modified = copy.deepcopy(EDITED["event"]["Records"])
    assert {(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"][:4]) for r in modified} == {
        ("MODIFY", "MSG#"), ("MODIFY", "GRP#")}

    result = lambda_handler({"Records": modified}, None, store=MessageStore(client, table_name))

    assert result == {"batchItemFailures": []}
    assert snapshot(client, table_name) == before
    [message] = [r["dynamodb"]["NewImage"] for r in modified if r["dynamodb"]["Keys"]["pk"]["S"].startswith("MSG#")]
    groups = [item for item in scan_items(client, table_name) if item["pk"]["S"].startswith("GRP#")]
    assert [(g["sk"], g["message"]) for g in groups] == [(message["sk"], message["message"])] * 2


def test_the_insert_of_an_edited_message_delivered_again_keeps_the_edit(ddb_backend):
    """A retried batch can bring the message's INSERT (its text as sent) after the edit."""
    client, table_name = ddb_backend
    edited_table(client, table_name)
    before = snapshot(client, table_name)
    [edit] = [r for r in EDITED["event"]["Records"] if r["dynamodb"]["Keys"]["pk"]["S"].startswith("MSG#")]
    as_sent = copy.deepcopy(edit)
    as_sent["eventName"] = "INSERT"
    as_sent["dynamodb"]["NewImage"]["message"] = {"S": "How are yuo?"}
    del as_sent["dynamodb"]["NewImage"]["edited_at"]

    result = lambda_handler({"Records": [as_sent]}, None, store=MessageStore(client, table_name))

    assert result == {"batchItemFailures": []}
    assert snapshot(client, table_name) == before


def template_filters():
    """The event source's filter patterns; moto's EventBridge pattern matcher speaks the same filter language."""
    template, errors = decode(str(TEMPLATE))
    assert errors == []
    source = template["Resources"]["StreamFunction"]["Properties"]["Events"]["MessageInserts"]["Properties"]
    return [EventPattern.load(f["Pattern"]) for f in source["FilterCriteria"]["Filters"]]


def passes_filter(record) -> bool:
    return any(pattern.matches_event(record) for pattern in template_filters())


def test_the_lambdas_filter_lets_new_messages_through_and_not_edits_or_lookup_items():
    inserts = [r for r in records() if r["eventName"] == "INSERT"]
    assert [passes_filter(r) for r in inserts] == [r["dynamodb"]["Keys"]["pk"]["S"].startswith("MSG#")
                                                   for r in inserts]
    assert any(passes_filter(r) for r in inserts)
    assert not any(passes_filter(r) for r in EDITED["event"]["Records"])
    assert not any(passes_filter(r) for r in RECORDED["handler_writes"]["Records"])
    lookup = copy.deepcopy(inserts[0])
    lookup["dynamodb"]["Keys"]["pk"]["S"] = "MSGID#a030c223-4786-41d1-96fc-35774614a0bb"
    assert not passes_filter(lookup)
