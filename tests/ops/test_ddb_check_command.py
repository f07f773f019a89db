"""`manage.py ddb check`: a seeded table passes; a violation is printed with its conversation and the
command exits non-zero."""
import json

import pytest
from django.core.management import execute_from_command_line

from messaging.store import items
from users.models import User

pytestmark = pytest.mark.django_db


def manage(*args: str) -> int:
    """Run `manage.py ...` as a shell does: its exit status."""
    try:
        execute_from_command_line(["manage.py", *args])
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_a_seeded_table_passes(app_ddb, ddb_command, capsys):
    ddb_command("seed", "--yes", "--allow-demo-password")  # demo data, whatever the suite's DATABASE_URL

    assert manage("ddb", "check") == 0
    assert "0 violations in 1 conversations" in capsys.readouterr().out
    assert json.loads(ddb_command("check", "--json")) == []


def test_a_violation_names_its_conversation_and_fails(app_ddb, ddb_command, capsys):
    client, table = app_ddb
    ddb_command("seed", "--yes", "--allow-demo-password")  # demo data, whatever the suite's DATABASE_URL
    [conversation] = json.loads(ddb_command("list-conversations", "bayko", "--json"))
    andrew, bayko = (str(User.objects.get_by_handle(handle).uuid) for handle in ("andrewbrown", "bayko"))
    client.delete_item(TableName=table, Key=items.pair_key(andrew, bayko))
    capsys.readouterr()

    assert manage("ddb", "check") == 1
    out, err = capsys.readouterr()
    [row] = [line for line in out.splitlines() if conversation["uuid"] in line]
    assert "pair-item" in row and "is missing" in row
    assert "found 1 violations" in err
