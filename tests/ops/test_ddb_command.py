"""`manage.py ddb ...` on moto and on DynamoDB Local, through call_command."""
import json
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError

from messaging import services
from messaging.management.commands.ddb import DEMO_CONVERSATION
from messaging.recipients import InConversation, ToHandle
from messaging.store import schema
from messaging.store.store import MessageStore
from tests.support.store import forget_backfill
from users.models import User
from users.seed import DEFAULT_SEED_PASSWORD, seed_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(db):
    seed_users()
    return {user.handle: user for user in User.objects.all()}


def test_list_tables_shows_the_table(app_ddb, ddb_command):
    _, table = app_ddb

    assert table in ddb_command("list-tables").splitlines()[2:]
    assert table in json.loads(ddb_command("list-tables", "--json"))


def test_schema_load_and_drop(app_ddb, ddb_command):
    client, table = app_ddb

    assert f"table {table} already exists" in ddb_command("schema-load")
    assert f"table {table} dropped" in ddb_command("drop", "--yes")
    assert not schema.table_exists(client, table)
    assert f"table {table} did not exist" in ddb_command("drop", "--yes")
    assert json.loads(ddb_command("schema-load", "--json")) == {"table": table, "created": True}
    description = schema.describe_table(client, table)
    assert description["StreamSpecification"] == schema.STREAM_SPECIFICATION
    assert [index["IndexName"] for index in description["GlobalSecondaryIndexes"]] == [schema.GROUP_INDEX]


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
@pytest.mark.parametrize("subcommand", ["drop", "seed"])
def test_destructive_steps_on_real_aws_need_yes(app_ddb, ddb_command, settings, subcommand):
    client, table = app_ddb
    assert settings.AWS_ENDPOINT_URL is None  # moto stands in for real AWS here

    with pytest.raises(CommandError, match=r"real AWS .* without --yes"):
        ddb_command(subcommand)

    assert schema.table_exists(client, table)
    assert not User.objects.exists()
    assert json.loads(ddb_command("scan", "--json")) == [{"pk": "META#backfill", "sk": "META"}]


def test_scan_prints_the_raw_items(app_ddb, ddb_command, demo_users):
    message = services.send_message(sender=demo_users["londo"], text="Hello, raw world", to=ToHandle("sean"))

    items = json.loads(ddb_command("scan", "--json"))
    table = ddb_command("scan")

    stored = next(item for item in items if item["pk"] == f"MSG#{message.message_group_uuid}")
    assert stored == {
        "pk": f"MSG#{message.message_group_uuid}", "sk": message.created_at, "message_uuid": message.uuid,
        "message": "Hello, raw world", "user_uuid": str(demo_users["londo"].uuid),
        "user_display_name": "Londo Mollari", "user_handle": "londo",
    }
    assert {f"GRP#{demo_users['londo'].uuid}", f"GRP#{demo_users['sean'].uuid}"} <= {i["pk"] for i in items}
    assert re.search(rf"^MSG#{message.message_group_uuid} +{re.escape(message.created_at)} +.*message=Hello, raw world",
                     table, re.MULTILINE)
    assert f"{len(items)} items in" in table
    assert len(json.loads(ddb_command("scan", "--limit", "2", "--json"))) == 2


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_outside_the_embedded_default_seed_refuses_the_published_password(app_ddb, ddb_command, settings):
    settings.EMBEDDED_DEFAULT = False  # e.g. DATABASE_URL set: a deployment

    with pytest.raises(CommandError, match="published password outside the embedded default"):
        ddb_command("seed", "--yes")

    assert not User.objects.exists()
    assert json.loads(ddb_command("scan", "--json")) == [{"pk": "META#backfill", "sk": "META"}]
    ddb_command("seed", "--yes", "--allow-demo-password")
    assert authenticate(username="andrewbrown", password=DEFAULT_SEED_PASSWORD) is not None


def test_seed_writes_the_demo_conversation_once(app_ddb, ddb_command, settings):
    settings.EMBEDDED_DEFAULT = True
    first = ddb_command("seed", "--yes")
    second = ddb_command("seed", "--yes")

    andrew = User.objects.get_by_handle("andrewbrown")
    groups = json.loads(ddb_command("list-conversations", "andrewbrown", "--json"))
    assert len(groups) == 1
    group_uuid = groups[0]["uuid"]
    assert f"demo conversation {group_uuid}: @andrewbrown and @bayko, {len(DEMO_CONVERSATION)} messages" in first
    assert f"demo conversation {group_uuid} already exists; nothing written" in second
    assert groups[0]["other"]["handle"] == "bayko"
    assert groups[0]["last_message"] == DEMO_CONVERSATION[-1][1]
    # Written through the services: readable through them too, in the production format.
    page = services.list_messages(user=andrew, message_group_uuid=group_uuid)
    assert [(m.sender.handle, m.text) for m in page.items] == list(DEMO_CONVERSATION)
    messages = [i for i in json.loads(ddb_command("scan", "--json")) if i["pk"].startswith("MSG#")]
    assert len(messages) == len(DEMO_CONVERSATION)


def test_get_conversation_prints_members_and_messages(app_ddb, ddb_command, demo_users):
    first = services.send_message(sender=demo_users["jake"], text="Are you there?", to=ToHandle("ice"))
    services.send_message(sender=demo_users["ice"], text="Always.", to=InConversation(first.message_group_uuid))

    out = ddb_command("get-conversation", first.message_group_uuid)
    data = json.loads(ddb_command("get-conversation", first.message_group_uuid.upper(), "--json"))

    assert f"conversation {first.message_group_uuid}: " in out
    assert "@ice (Mr Freeze)" in out and "@jake (Jacob Coleson)" in out
    lines = out.splitlines()
    assert "jake    Are you there?" in lines[3] and "ice     Always." in lines[4]
    assert lines[-1] == "2 messages"
    assert [m["text"] for m in data["messages"]] == ["Are you there?", "Always."]
    assert data["conversation"]["uuid"] == first.message_group_uuid


@pytest.mark.parametrize("ddb_backend", ["moto"], indirect=True)
def test_get_conversation_reads_past_the_first_page(app_ddb, ddb_command, demo_users):
    first = services.send_message(sender=demo_users["jake"], text="message 0", to=ToHandle("ice"))
    # Stream mode (no re-keying) keeps this quick on moto; each send counts on the conversation as it now is.
    store = MessageStore(*app_ddb, group_updates="stream")
    for n in range(1, 103):
        store.send_in_conversation(conversation=store.get_conversation(message_group_uuid=first.message_group_uuid),
                                   sender=services.user_ref(user=demo_users["jake"]), text=f"message {n}")

    data = json.loads(ddb_command("get-conversation", first.message_group_uuid, "--json"))

    assert [m["text"] for m in data["messages"]] == [f"message {n}" for n in range(103)]


def test_list_conversations_newest_first(app_ddb, ddb_command, demo_users):
    services.send_message(sender=demo_users["sean"], text="to jake", to=ToHandle("jake"))
    services.send_message(sender=demo_users["sean"], text="to ice", to=ToHandle("ice"))

    out = ddb_command("list-conversations", "@SEAN")

    rows = out.splitlines()[2:-1]
    assert [row.split()[1] for row in rows] == ["@ice", "@jake"]
    assert out.splitlines()[-1] == "2 conversations of @sean"


def test_unknown_conversation_and_handle_are_errors(app_ddb, ddb_command, demo_users):
    with pytest.raises(CommandError, match="no conversation 7d8c6a1e-0000-4000-8000-000000000000"):
        ddb_command("get-conversation", "7d8c6a1e-0000-4000-8000-000000000000")
    with pytest.raises(CommandError, match="no user @nobody"):
        ddb_command("list-conversations", "nobody")


def test_backfill_adopts_conversations_of_the_old_backend(app_ddb, ddb_command, demo_users):
    client, table = app_ddb
    andrew, bayko = demo_users["andrewbrown"], demo_users["bayko"]
    group = "5ae290ed-55d1-47ee-b1f4-34c3a5d6e7f8"
    last = "2026-11-20T09:15:00.000001+00:00"
    forget_backfill(client, table)  # a table the old backend wrote was never backfilled
    # Exactly what the old backend wrote: two group items, each naming the other member, and messages.
    for owner, other in ((andrew, bayko), (bayko, andrew)):
        client.put_item(TableName=table, Item={
            "pk": {"S": f"GRP#{owner.uuid}"}, "sk": {"S": last}, "message_group_uuid": {"S": group},
            "message": {"S": "Second!"}, "user_uuid": {"S": str(other.uuid)},
            "user_display_name": {"S": other.display_name}, "user_handle": {"S": other.handle},
        })
    for created_at, sender, text in (("2026-11-20T09:14:00.000001+00:00", andrew, "First."), (last, bayko, "Second!")):
        client.put_item(TableName=table, Item={
            "pk": {"S": f"MSG#{group}"}, "sk": {"S": created_at}, "message_uuid": {"S": f"msg-{text}"},
            "message": {"S": text}, "user_uuid": {"S": str(sender.uuid)},
            "user_display_name": {"S": sender.display_name}, "user_handle": {"S": sender.handle},
        })
    assert "(old backend)" in ddb_command("get-conversation", group)

    report = ddb_command("backfill")
    again = json.loads(ddb_command("backfill", "--json"))

    assert re.search(r"^conversations created +1$", report, re.MULTILINE)
    assert re.search(r"^pairs created +1$", report, re.MULTILINE)
    assert again["conversations"] == 1 and again["conversations_created"] == 0 and again["pairs_created"] == 0
    keys = {item["pk"] for item in json.loads(ddb_command("scan", "--json"))}
    assert f"CONV#{group}" in keys
    assert f"PAIR#{min(str(andrew.uuid), str(bayko.uuid))}#{max(str(andrew.uuid), str(bayko.uuid))}" in keys
    out = ddb_command("get-conversation", group)
    assert "(old backend)" not in out and out.splitlines()[-1] == "2 messages"
    assert services.send_message(sender=andrew, text="Third.", to=ToHandle("bayko")).message_group_uuid == group
