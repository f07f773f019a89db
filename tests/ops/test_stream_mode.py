"""Stream mode end to end: sends write only the message, `ddb stream-worker` re-keys the groups."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from messaging import services
from messaging.recipients import InConversation, ToHandle
from users.models import User
from users.seed import seed_users

PROJECT_DIR = Path(__file__).resolve().parents[2]

# moto does not serve DynamoDB Streams; the real engine does.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.ddb_local,
    pytest.mark.parametrize("ddb_backend", ["local"], indirect=True),
]


@pytest.fixture
def stream_mode(app_ddb, settings, tmp_path):
    settings.MESSAGING_GROUP_UPDATES = "stream"
    seed_users()
    return tmp_path / "position.json"


def users(*handles):
    return [User.objects.get_by_handle(handle) for handle in handles]


def summary(groups):
    return [(g.other.handle, g.last_message, g.last_message_at) for g in groups.items]


def test_the_worker_brings_group_lists_up_to_date(stream_mode, ddb_command):
    andrew, bayko, londo = users("andrewbrown", "bayko", "londo")
    first = services.send_message(sender=andrew, text="Hi Bayko", to=ToHandle("bayko"))
    group = first.message_group_uuid
    services.send_message(sender=bayko, text="Hi Andrew", to=InConversation(group))
    to_londo = services.send_message(sender=andrew, text="Hi Londo", to=ToHandle("londo"))
    last = services.send_message(sender=bayko, text="Still there?", to=InConversation(group))

    # Only the first message of each conversation touched the group items.
    assert summary(services.list_message_groups(user=andrew)) == [
        ("londo", "Hi Londo", to_londo.created_at), ("bayko", "Hi Bayko", first.created_at),
    ]

    out = ddb_command("stream-worker", "--once", "--position-file", str(stream_mode))

    assert summary(services.list_message_groups(user=andrew)) == [
        ("bayko", "Still there?", last.created_at), ("londo", "Hi Londo", to_londo.created_at),
    ]
    assert summary(services.list_message_groups(user=bayko)) == [("andrewbrown", "Still there?", last.created_at)]
    assert summary(services.list_message_groups(user=londo)) == [("andrewbrown", "Hi Londo", to_londo.created_at)]
    assert "0 failed" in out
    assert json.loads(stream_mode.read_text())["last_sequence"]


def test_the_worker_resumes_from_its_saved_position(stream_mode, ddb_command, tmp_path):
    andrew, bayko = users("andrewbrown", "bayko")

    def worker(position_file=stream_mode):
        return json.loads(ddb_command("stream-worker", "--once", "--json", "--position-file", str(position_file)))

    first = services.send_message(sender=andrew, text="one", to=ToHandle("bayko"))
    before_reply = worker()
    nothing_new = worker()
    reply = services.send_message(sender=bayko, text="two", to=InConversation(first.message_group_uuid))
    after_reply = worker()
    # A fresh position reads the whole stream: exactly what the saved position read, in two steps.
    from_scratch = worker(tmp_path / "fresh.json")

    assert before_reply["records"] > 0 and before_reply["failed"] == 0
    assert nothing_new["records"] == 0
    assert after_reply["records"] > 0
    assert from_scratch["records"] == before_reply["records"] + after_reply["records"]
    assert summary(services.list_message_groups(user=andrew)) == [("bayko", "two", reply.created_at)]


def test_the_running_worker_follows_new_messages_and_stops_on_ctrl_c(stream_mode, app_ddb, tmp_path):
    client, table = app_ddb
    andrew, bayko = users("andrewbrown", "bayko")
    first = services.send_message(sender=andrew, text="are you polling?", to=ToHandle("bayko"))
    env = {
        **os.environ, "AWS_ENDPOINT_URL": client.meta.endpoint_url, "DDB_MESSAGE_TABLE": table,
        "MESSAGING_GROUP_UPDATES": "stream", "CRUDDUR_DATA_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "ddb", "stream-worker", "--interval", "0.2"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        reply = services.send_message(sender=bayko, text="every moment", to=InConversation(first.message_group_uuid))
        deadline = time.monotonic() + 30
        while (summary(services.list_message_groups(user=andrew))[0][1] != "every moment"
               and time.monotonic() < deadline):
            time.sleep(0.2)
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert summary(services.list_message_groups(user=andrew)) == [("bayko", "every moment", reply.created_at)]
    assert worker.returncode == 0, output
    position_file = tmp_path / "ddb-stream-position.json"
    assert f"stopped; position saved in {position_file}" in output
    assert json.loads(position_file.read_text())["last_sequence"]
