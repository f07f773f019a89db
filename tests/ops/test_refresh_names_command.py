"""`manage.py ddb refresh-names [--user HANDLE]`: the table's copies of names agree with the users again."""
import json

import pytest
from django.core.management import CommandError

from messaging import ddb, services
from messaging.recipients import ToHandle
from messaging.store.table_check import check_table, scan_items


def copied_names(client, table) -> set[tuple[str, str, str]]:
    """(item kind, handle, display name) of every copy of a name in group and conversation items."""
    found = set()
    for item in scan_items(client, table):
        pk = item["pk"]["S"]
        if pk.startswith("GRP#"):
            found.add(("group", item["user_handle"]["S"], item["user_display_name"]["S"]))
        elif pk.startswith("CONV#"):
            found |= {("conversation", m["M"]["handle"]["S"], m["M"]["display_name"]["S"])
                      for m in item["members"]["M"].values()}
    return found


@pytest.fixture
def renamed(app_ddb, alice, bob, carol):
    services.send_message(sender=alice, text="Hello bob", to=ToHandle("bob"))
    services.send_message(sender=carol, text="Hello alice", to=ToHandle("alice"))
    bob.handle, bob.display_name = "robert", "Robert"
    bob.save()
    carol.display_name = "Caroline"
    carol.save()
    return app_ddb


def test_refresh_names_makes_the_table_agree_and_a_rerun_changes_nothing(renamed, ddb_command, capsys):
    client, table = renamed
    output = ddb_command("refresh-names")
    assert f"refresh-names of {table} done: 4 items changed" in output
    assert "scanned" in capsys.readouterr().err, "a progress line per page of the scan"
    assert copied_names(client, table) == {
        ("group", "robert", "Robert"), ("group", "alice", "Alice"), ("group", "carol", "Caroline"),
        ("conversation", "robert", "Robert"), ("conversation", "alice", "Alice"),
        ("conversation", "carol", "Caroline"),
    }
    assert check_table(client, table) == []
    report = json.loads(ddb_command("refresh-names", "--json"))
    assert (report["group_items_updated"], report["conversations_updated"]) == (0, 0)


def test_refresh_names_for_one_user(renamed, ddb_command):
    client, table = renamed
    assert "2 items changed" in ddb_command("refresh-names", "--user", "@Robert")
    names = copied_names(client, table)
    assert ("group", "robert", "Robert") in names and ("group", "carol", "Carol") in names


def test_refresh_names_of_an_unknown_user_is_refused(renamed, ddb_command):
    client, table = renamed
    before = list(scan_items(client, table))
    with pytest.raises(CommandError, match="no user @nobody"):
        ddb_command("refresh-names", "--user", "nobody")
    assert list(scan_items(client, table)) == before


def test_the_app_shows_current_names_before_and_after_a_refresh(renamed, ddb_command, alice):
    shown = {g.other.handle for g in services.list_message_groups(user=alice).items}
    ddb_command("refresh-names")
    ddb.reset()
    assert shown == {g.other.handle for g in services.list_message_groups(user=alice).items} == {"robert", "carol"}
