"""`manage.py ddb recount`: counts set from the messages for messages nothing counted (the old backend, a
script) and for conversations from before read state; safe to repeat, resumable, and a write that lost to a
send changes nothing."""
import json
import uuid

import pytest

from messaging import ddb, services
from messaging.recipients import InConversation, ToHandle
from messaging.store import items
from messaging.store.models import Message, UserRef
from messaging.store.table_check import check_table
from messaging.store.timefmt import next_microsecond
from tests.support.store import all_messages, expected_unread
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(app_ddb):
    """andrew and bayko: andrew wrote, bayko answered, andrew wrote again (bayko has 1 unread)."""
    andrew, bayko = make_user("andrewbrown"), make_user("bayko")
    group = services.send_message(sender=andrew, text="one", to=ToHandle("bayko")).message_group_uuid
    services.send_message(sender=bayko, text="two", to=InConversation(group))
    services.send_message(sender=andrew, text="three", to=InConversation(group))
    return andrew, bayko, group


def script_message(client, table, group, sender, at):
    """A message written as the old backend or a script writes it: the item alone, nothing counted."""
    ref = UserRef(str(sender.uuid), sender.handle, sender.display_name)
    client.put_item(TableName=table, Item=items.message_item(Message(group, str(uuid.uuid4()), at, "by script", ref)))


def unread_of(user, group) -> int:
    [listed] = [g for g in services.list_message_groups(user=user).items if g.uuid == group]
    return listed.unread_count


def test_recount_counts_what_a_script_wrote_and_a_second_run_writes_nothing(app_ddb, ddb_command, talk):
    client, table = app_ddb
    andrew, bayko, group = talk
    # Between bayko's answer (his read position) and andrew's last message: not the newest, so only the count is off.
    script_message(client, table, group, andrew, next_microsecond(all_messages(ddb.get_store(), group)[1].created_at))
    assert [v.kind for v in check_table(client, table)] == ["unread-count"]

    report = json.loads(ddb_command("recount", "--json"))
    assert (report["conversations"], report["states_written"], report["states_unchanged"]) == (1, 1, 1)
    assert str(bayko.uuid) in report["changes"][0] and "1 unread" in report["changes"][0]
    assert check_table(client, table) == []
    assert unread_of(bayko, group) == 2

    again = ddb_command("recount")
    assert "0 read states written, 2 already right" in again


def test_conversations_from_before_read_state_get_the_default_position(app_ddb, ddb_command, talk):
    client, table = app_ddb
    andrew, bayko, group = talk
    # As this project wrote them before read state: no state on the conversation or the group items.
    for member in (andrew, bayko):
        client.update_item(TableName=table, Key=items.conversation_key(group), UpdateExpression=(
            "REMOVE members.#m.last_read_at, members.#m.unread, members.#m.muted, members.#m.rev"),
            ExpressionAttributeNames={"#m": str(member.uuid)})
    for group_item in [i for i in client.scan(TableName=table)["Items"] if i["pk"]["S"].startswith("GRP#")]:
        client.update_item(TableName=table, Key=items.key(group_item["pk"]["S"], group_item["sk"]["S"]),
                           UpdateExpression="REMOVE unread_count, last_read_at, muted")

    assert "2 read states written" in ddb_command("recount")
    messages = all_messages(ddb.get_store(), group)
    bayko_read = messages[1].created_at  # bayko's own newest message: what he has certainly seen
    assert unread_of(bayko, group) == expected_unread(messages, str(bayko.uuid), bayko_read) == 1
    assert unread_of(andrew, group) == 0
    assert check_table(client, table) == []


def test_recount_resumes_after_a_conversation(app_ddb, ddb_command, talk):
    _, _, group = talk
    assert json.loads(ddb_command("recount", "--json", "--after", group))["conversations"] == 0
    assert json.loads(ddb_command("recount", "--json", "--after", "0"))["conversations"] == 1


def test_a_recount_write_that_lost_to_a_send_changes_nothing(app_ddb, talk):
    client, table = app_ddb
    andrew, bayko, group = talk
    store = ddb.get_store()
    stale = store.get_conversation(message_group_uuid=group)
    services.send_message(sender=andrew, text="four", to=InConversation(group))
    wrong = stale.states[str(bayko.uuid)].written(unread=0)
    assert not store.store_member_state(conversation=stale, member_uuid=str(bayko.uuid), state=wrong)
    assert unread_of(bayko, group) == 2
    assert check_table(client, table) == []
