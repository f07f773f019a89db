"""The API requests the bench drives, made ready against one running server: the seeded sender's token, the
conversations they continue and the recipients of first messages. bench/run.py drives them against one server
(next to the DynamoDB floor), bench/compare.py against an old and a new tree side by side."""
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.harness import PROJECT_DIR, add_users, token_headers

SENDER, PEER = "andrewbrown", "bayko"
# The floor (bench/run.py) continues a conversation of its own with this seeded user.
FLOOR_PEER = "Gakar"
# Measured as deployed (DEBUG off), except that TLS is left to a proxy: the bench speaks plain HTTP.
PRODUCTION_SETTINGS = {"DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false"}

# (urllib3 pool, request index) -> whether the API answered 200.
Request = Callable[[object, int], bool]


RECIPIENT = "bench{}"  # the handle of the i-th recipient of a first message


def recipient_handles(count: int) -> list[str]:
    return [RECIPIENT.format(i) for i in range(count)]


def peer_handles(count: int) -> list[str]:
    return [f"peer{i}" for i in range(count)]


def add_bench_users(env: dict, *, clients: int, new_conversations: int, project_dir: Path = PROJECT_DIR) -> None:
    """A peer for each client's own conversation and a recipient for each first message the bench sends."""
    add_users(env, recipient_handles(new_conversations) + peer_handles(clients), project_dir)


def start_conversation(base: str, headers: dict, handle: str) -> str:
    sent = requests.post(f"{base}/api/messages", headers=headers, json={"message": "hello", "handle": handle},
                         timeout=30)
    sent.raise_for_status()
    return sent.json()["message_group_uuid"]


@dataclass(frozen=True)
class Workload:
    base: str
    headers: dict  # the sender's Authorization
    group_uuid: str  # the sender's conversation with PEER: read by GET /api/messages/<uuid>, the hot one for sends
    own_groups: list[str]  # one conversation for each client to continue
    requests: dict[str, Request]  # by endpoint name


def api_workload(base: str, *, clients: int) -> Workload:
    """Ready to drive with up to `clients` threads; the users of add_bench_users must exist on that server."""
    headers = token_headers(base, SENDER)
    group_uuid = start_conversation(base, headers, PEER)
    # Each client continues its own conversation, as people do; one hot conversation shared by every client is
    # measured apart, since its writers must take turns.
    own_groups = [start_conversation(base, headers, handle) for handle in peer_handles(clients)]
    # Consecutive picks are distinct, so the N threads of one level never share a conversation.
    picks, client_group = itertools.count(), threading.local()
    recipients = map(RECIPIENT.format, itertools.count())
    recipient_lock = threading.Lock()

    def get(path):
        return lambda session, i: session.request("GET", f"{base}{path}", headers=headers).status == 200

    def send(session, body, sender_headers=headers):
        return session.request("POST", f"{base}/api/messages", headers=sender_headers, json=body).status == 200

    def continue_own_conversation(session, i):
        if not hasattr(client_group, "uuid"):
            client_group.uuid = own_groups[next(picks) % len(own_groups)]
        return send(session, {"message": f"bench {i}", "message_group_uuid": client_group.uuid})

    def continue_hot_conversation(session, i):
        return send(session, {"message": f"hot {i}", "message_group_uuid": group_uuid})

    # Two writers: both members of a conversation send into it at once, as in a chat. Clients are numbered across
    # the whole run; clients 2k and 2k+1 share a conversation (within a level, all but possibly the first and the
    # last client have their partner) and each alternates between its two members, so at N=1 one client makes the
    # back and forth. The peers of those conversations log in first.
    pairs = (clients + 1) // 2
    peer_headers = [token_headers(base, handle) for handle in peer_handles(pairs)]
    writer_picks, writer = itertools.count(), threading.local()

    def continue_with_two_writers(session, i):
        if not hasattr(writer, "pick"):
            writer.pick, writer.turn = next(writer_picks), 0
        writer.turn += 1
        pair = writer.pick // 2 % pairs
        as_peer = (writer.pick + writer.turn) % 2 == 1
        return send(session, {"message": f"turn {i}", "message_group_uuid": own_groups[pair]},
                    peer_headers[pair] if as_peer else headers)

    def new_conversation(session, i):
        with recipient_lock:
            handle = next(recipients)
        return send(session, {"message": "hi", "handle": handle})

    return Workload(base, headers, group_uuid, own_groups, {
        "GET /api/message_groups": get("/api/message_groups"),
        "GET /api/message_groups/unread": get("/api/message_groups/unread"),
        "GET /api/messages/<uuid>": get(f"/api/messages/{group_uuid}"),
        "POST /api/messages (continue)": continue_own_conversation,
        "POST /api/messages (continue, one hot conversation)": continue_hot_conversation,
        "POST /api/messages (continue, two writers)": continue_with_two_writers,
        "POST /api/messages (new)": new_conversation,
    })
