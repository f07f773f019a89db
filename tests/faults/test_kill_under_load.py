"""DynamoDB Local killed (SIGKILL) and stopped (SIGTERM) in the middle of a load of sends, then started again
on the same data: every acknowledged send is stored, the group items stay consistent, and a send refused with
503 retried with its Idempotency-Key is stored exactly once."""
import logging
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from bench.harness import worker_pids
from messaging.store.table_check import find_violations, read_table
from tests.faults.limits import worst_case_seconds
from tests.faults.load import SendLoad
from tests.faults.servers import TABLE
from tests.support.app_client import Api, all_worker_pids

pytestmark = pytest.mark.ddb_local
logger = logging.getLogger(__name__)

SENDERS = ["andrewbrown", "bayko", "londo", "sean", "jake", "ice"]
ACKNOWLEDGED_PER_PHASE = 30
DOWN_SECONDS = 1.0
# DynamoDB Local answers a TransactWriteItems a moment before it is durable: a SIGKILL right then loses the
# whole transaction. Seen without the app too (two plain Puts in one transaction, acknowledged 0-25 ms before
# the kill, absent after the restart); real DynamoDB is durable once it answers. Sends acknowledged this close
# to a SIGKILL may be missing, entirely; every other acknowledged send must be stored.
SIGKILL_LOSS_WINDOW = 0.5


def start_conversation(apis: dict[str, Api], sender: str, recipient: str) -> dict:
    answer = apis[sender].send({"message": f"{sender} starts", "handle": recipient}).response
    assert answer.status_code == 200, answer.text
    return {"message_group_uuid": answer.json()["message_group_uuid"]}


def plans(apis: dict[str, Api]) -> list[tuple[str, list[dict]]]:
    """Both members of two shared conversations, and two users who start new conversations (one of them with
    each other, from both sides at once) and then keep writing into them by handle."""
    first = start_conversation(apis, "andrewbrown", "bayko")
    second = start_conversation(apis, "londo", "sean")
    return [
        ("andrewbrown", [first]),
        ("bayko", [first]),
        ("londo", [second]),
        ("sean", [second]),
        ("jake", [{"handle": handle} for handle in ("ice", "Gakar", "andrewbrown", "londo")]),
        ("ice", [{"handle": handle} for handle in ("jake", "Gakar", "bayko", "sean")]),
    ]


def in_flight_at(sends, moment: float) -> int:
    return sum(send.started < moment < send.finished for send in sends)


@dataclass
class Fault:
    name: str
    started: float
    finished: float

    def acknowledged_in_engine_window(self, send) -> bool:
        return self.name == "sigkill" and self.started - SIGKILL_LOSS_WINDOW < send.finished < self.finished


def test_acknowledged_sends_survive_dynamodb_killed_and_stopped_mid_load(ddb, fast_app, table_client):
    master, workers = fast_app.process.pid, all_worker_pids(fast_app.process.pid, fast_app.workers)
    apis = {handle: Api(fast_app.base_url, handle) for handle in SENDERS}
    load = SendLoad(apis, plans(apis))
    faults = []

    load.start()
    try:
        for name, fault in (("sigkill", ddb.kill), ("sigterm", ddb.stop)):
            load.wait_for_acknowledged(load.acknowledged() + ACKNOWLEDGED_PER_PHASE)
            started = time.monotonic()
            fault()
            faults.append(Fault(name, started, time.monotonic()))
            time.sleep(DOWN_SECONDS)
            ddb.start()  # same port, same data dir
        load.wait_for_acknowledged(load.acknowledged() + ACKNOWLEDGED_PER_PHASE)
    finally:
        load.stop()

    sends = load.sends
    statuses = Counter(send.status for send in sends)
    refused = [send for send in sends if send.status == 503]
    acknowledged = [send for send in sends if send.status == 200]
    slowest_refusal = max(send.finished - send.started for send in refused)
    logger.info("sends %d: %s; in flight at the faults: %s; slowest 503 %.2f s", len(sends), dict(statuses),
                [in_flight_at(sends, fault.started) for fault in faults], slowest_refusal)
    assert set(statuses) == {200, 503}, statuses  # never a 500, never a dropped connection
    assert all(in_flight_at(sends, fault.started) > 0 for fault in faults), "a fault hit an idle server"
    assert slowest_refusal < worst_case_seconds(fast_app.limits)

    # Every acknowledged send is in the table, as acknowledged; only DynamoDB Local's own window may lose one,
    # and then its whole transaction (message, receipt, group items) is gone, never a part of it.
    contents = read_table(table_client, TABLE)
    stored = contents.all_messages()
    lost = [send for send in acknowledged if send.answer["uuid"] not in stored]
    assert [send for send in lost if not any(fault.acknowledged_in_engine_window(send) for fault in faults)] == []
    assert [send for send in lost if send.answer["uuid"] in contents.receipts] == []
    present = [send for send in acknowledged if send not in lost]
    for send in present:
        item = stored[send.answer["uuid"]]
        assert item["message"]["S"] == send.text and item["pk"]["S"] == f"MSG#{send.answer['message_group_uuid']}"
    assert find_violations(contents) == []

    # ... and readable through the API by its sender.
    shown = {}
    for send in present:
        group_uuid = send.answer["message_group_uuid"]
        if group_uuid not in shown:
            shown[group_uuid] = {m["uuid"]: m["message"] for m in apis[send.sender].all_messages(group_uuid)}
        assert shown[group_uuid].get(send.answer["uuid"]) == send.text, send

    # The refused sends may or may not be stored; retried with their keys, each ends up stored exactly once.
    stored_texts = {item["message"]["S"] for item in stored.values()}
    stored_though_refused = sum(send.text in stored_texts for send in refused)
    for send in refused:
        retried = apis[send.sender].send(send.body, idempotency_key=send.idempotency_key).response
        assert retried.status_code == 200, (send, retried.text)
    contents = read_table(table_client, TABLE)
    texts = Counter(item["message"]["S"] for item in contents.all_messages().values())
    assert [send.text for send in sends if texts[send.text] != 1 and send not in lost] == []
    assert find_violations(contents) == []
    logger.info("acknowledged %d, verified present %d, lost by DynamoDB Local at SIGKILL %d; refused %d, stored "
                "before the retry %d, all stored once after it; faults %s", len(acknowledged), len(present),
                len(lost), len(refused), stored_though_refused, ddb.faults)

    assert (fast_app.process.pid, worker_pids(fast_app.process.pid)) == (master, workers)
