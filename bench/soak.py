"""Soak: many clients send messages for a while; afterwards nothing may be lost, duplicated or inconsistent.

    .venv/bin/python bench/soak.py [--clients 32] [--duration 60] [--json PATH]

Starts DynamoDB Local (disk-backed, temp dir) and gunicorn (--workers = cores) on 127.0.0.1 on the embedded
dev settings (SQLite in the temp dir, never DATABASE_URL's database), creates the table, seeds the 7 demo users,
and creates `--fresh-users` recipients `soak0`, `soak1`, ... through the ORM in this process (same data dir):
people nobody has written to yet. Each demo user gets a token from POST /api/auth/token, one conversation is
opened per pair of demo users, then `--clients` threads send until `--duration` is over. Each send is, at random:

- shared (1 - `--new-share`): a known conversation, as one of its members: {message, message_group_uuid};
- new (`--new-share`): {message, handle} from a demo user to a fresh recipient; `--racers` consecutive new sends
  go to the same pair, so several clients race to start one conversation.

Every text is unique (client and sequence number). Every send carries an Idempotency-Key and is retried with the
SAME key after a connection error, timeout, 429 or 5xx, until it is acknowledged (200) or `--grace` seconds after
the end (then it counts as unacknowledged). So that retries happen even when nothing fails, `--impatient-share` of
the sends stop waiting for their first answer after `--impatient-timeout` seconds, while the server goes on to
store the message: their retry must get the first result back, not store a second copy.

Afterwards the soak checks, through the API as a member would see it and through a strongly consistent scan of
the table (the table's invariant with the same module as `manage.py ddb check`, messaging/store/table_check.py):

- every acknowledged message is in its conversation exactly once (else lost) and no text is stored twice
  (else duplicated); the API shows exactly the table's messages of each conversation;
- each pair of users has at most one conversation, and its pair item points at it;
- each member of a conversation has exactly one group item for it, at the newest message (time, text, other
  member), and so does the conversation item; each demo user's conversation list agrees;
- the table holds no message beyond the acknowledged ones and those whose sends ended unacknowledged.

Prints a summary, writes it as JSON with --json, and exits 1 if anything was lost, duplicated or violated.
"""
import itertools
import logging
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.harness import bench_arguments, booted, gunicorn, report, token_headers  # noqa: E402
from messaging.store import items  # noqa: E402
from messaging.store.table_check import TableContents, find_violations, read_table  # noqa: E402

logger = logging.getLogger("soak")
TABLE = "cruddur-messages-soak"
REQUEST_TIMEOUT = 30.0
MAX_BACKOFF = 2.0
VIOLATIONS_KEPT = 50  # the JSON keeps the first ones; the count is complete


# ---------------------------------------------------------------- what the clients did


@dataclass(frozen=True)
class Sent:
    """An acknowledged send, as the API answered it."""

    uuid: str
    group: str
    text: str
    sender: str  # handle
    created_at: str


@dataclass
class Tally:
    """Counts shared by the client threads (under `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    attempted: int = 0
    requests: int = 0
    retries: int = 0  # requests beyond each send's first
    retried_sends: int = 0
    impatient_sends: int = 0
    acknowledged: list[Sent] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)  # texts of sends given up on
    rejected: list[dict] = field(default_factory=list)  # sends answered with an unexpected 4xx
    statuses: Counter = field(default_factory=Counter)


class Conversations:
    """The conversations the clients know, each with the members that can send (have a token)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._senders: dict[str, tuple[str, ...]] = {}
        self._order: list[str] = []

    def add(self, group: str, senders: tuple[str, ...]) -> None:
        with self._lock:
            if group not in self._senders:
                self._order.append(group)
                self._senders[group] = senders

    def pick(self, rng: random.Random) -> tuple[str, str]:
        with self._lock:
            group = rng.choice(self._order)
            return group, rng.choice(self._senders[group])


class FreshPairs:
    """(demo sender, fresh recipient) pairs; `racers` consecutive picks get the same pair."""

    def __init__(self, senders: list[str], recipients: list[str], racers: int):
        self._senders, self._recipients, self._racers = senders, recipients, racers
        self._picks = itertools.count()
        self._lock = threading.Lock()

    def pick(self) -> tuple[str, str]:
        with self._lock:
            index = next(self._picks) // self._racers
        # Past the last recipient the pairs repeat: those sends continue a conversation by handle.
        return self._senders[index % len(self._senders)], self._recipients[index % len(self._recipients)]


# ---------------------------------------------------------------- sending


def backoff(response: requests.Response | None, attempt: int) -> float:
    retry_after = response.headers.get("Retry-After", "") if response is not None else ""
    if retry_after.isdigit():
        return min(MAX_BACKOFF, float(retry_after))
    return random.uniform(0, min(MAX_BACKOFF, 0.05 * 2 ** attempt))


def send(session: requests.Session, base: str, auth: dict, sender: str, body: dict, give_up_at: float,
         tally: Tally, first_timeout: float = REQUEST_TIMEOUT) -> Sent | None:
    """POST one message as `sender`, retrying with the same Idempotency-Key until a 200 or `give_up_at`.

    What is recorded is what was sent (text, sender) and what the answer assigned (uuid, group, time).
    `first_timeout` bounds the wait for the first answer only (connecting keeps the full timeout).
    """
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
    with tally.lock:
        tally.attempted += 1
    for attempt in itertools.count():
        response = None
        try:
            timeout = (REQUEST_TIMEOUT, first_timeout if attempt == 0 else REQUEST_TIMEOUT)
            response = session.post(f"{base}/api/messages", json=body, headers=headers, timeout=timeout)
            status = response.status_code
        except requests.RequestException as error:
            status = type(error).__name__
        with tally.lock:
            tally.requests += 1
            tally.statuses[str(status)] += 1
            tally.retries += attempt > 0
            tally.retried_sends += attempt == 1
        if status == 200:
            answer = response.json()
            sent = Sent(answer["uuid"], answer["message_group_uuid"], body["message"], sender, answer["created_at"])
            with tally.lock:
                tally.acknowledged.append(sent)
            return sent
        if isinstance(status, int) and status < 500 and status != 429:
            with tally.lock:
                tally.rejected.append({"status": status, "body": body, "answer": response.text[:300]})
            return None
        if time.monotonic() >= give_up_at:
            with tally.lock:
                tally.unacknowledged.append(body["message"])
            return None
        time.sleep(backoff(response, attempt))


def run_client(client_id: int, base: str, tokens: dict, conversations: Conversations, fresh: FreshPairs,
               args, stop_at: float, tally: Tally) -> None:
    session = requests.Session()
    rng = random.Random(f"{args.seed}-{client_id}")
    for sequence in itertools.count():
        if time.monotonic() >= stop_at:
            return
        text = f"soak client {client_id} message {sequence}"
        if rng.random() < args.new_share:
            sender, recipient = fresh.pick()
            body = {"message": text, "handle": recipient}
        else:
            group, sender = conversations.pick(rng)
            body = {"message": text, "message_group_uuid": group}
        first_timeout = REQUEST_TIMEOUT
        if rng.random() < args.impatient_share:
            first_timeout = args.impatient_timeout
            with tally.lock:
                tally.impatient_sends += 1
        sent = send(session, base, tokens[sender], sender, body, stop_at + args.grace, tally, first_timeout)
        if sent is not None and "handle" in body:
            conversations.add(sent.group, (sender,))  # the fresh recipient has no token


def open_demo_conversations(base: str, tokens: dict, conversations: Conversations, tally: Tally) -> None:
    """One conversation per pair of demo users, both of whom then send in it."""
    session = requests.Session()
    handles = list(tokens)
    for index, (a, b) in enumerate(itertools.combinations(handles, 2)):
        body = {"message": f"soak opening {index}", "handle": b}
        sent = send(session, base, tokens[a], a, body, time.monotonic() + 60, tally)
        if sent is None:
            raise RuntimeError(f"could not open the conversation of {a} and {b}: {tally.rejected[-1:]}")
        conversations.add(sent.group, (a, b))


# ---------------------------------------------------------------- reading back


def api_pages(session: requests.Session, url: str, auth: dict) -> list[dict]:
    """Every item of a paged list, following its `Link: rel="next"` headers."""
    found = []
    while url:
        response = session.get(url, headers=auth, timeout=60)
        response.raise_for_status()
        found.extend(response.json())
        url = response.links.get("next", {}).get("url")
    return found


# ---------------------------------------------------------------- checks


def check_messages(contents: TableContents, api_listings: dict[str, list[dict]], tally: Tally,
                   violations: list) -> dict:
    """Lost, duplicated and phantom messages; the API must show exactly the table's messages."""
    stored = [item for found in contents.messages.values() for item in found]
    texts = Counter(item["message"]["S"] for item in stored)
    duplicated = sum(count - 1 for count in texts.values() if count > 1)
    for text, count in texts.items():
        if count > 1:
            violations.append(f"text stored {count} times: {text!r}")

    shown = {(group, m["uuid"]): m for group, listing in api_listings.items() for m in listing}
    shown_counts = Counter((group, m["uuid"]) for group, listing in api_listings.items() for m in listing)
    verified = lost = 0
    for sent in tally.acknowledged:
        count = shown_counts[(sent.group, sent.uuid)]
        message = shown.get((sent.group, sent.uuid))
        if count == 0:
            lost += 1
            violations.append(f"lost: {sent}")
        elif count > 1 or (message["message"], message["handle"], message["created_at"]) != (
                sent.text, sent.sender, sent.created_at):
            violations.append(f"acknowledged {sent} but the API shows it {count} times as {message}")
        else:
            verified += 1

    for group, listing in api_listings.items():
        table_uuids = sorted(item["message_uuid"]["S"] for item in contents.messages.get(group, []))
        if sorted(m["uuid"] for m in listing) != table_uuids:
            violations.append(f"conversation {group}: the API shows {len(listing)} messages, "
                              f"the table holds {len(table_uuids)}")

    acknowledged_texts = {sent.text for sent in tally.acknowledged}
    unacknowledged_texts = set(tally.unacknowledged)
    stored_unacknowledged = sum(1 for text in texts if text in unacknowledged_texts)
    for text in texts.keys() - acknowledged_texts - unacknowledged_texts:
        violations.append(f"phantom message: {text!r} was never sent by a client")
    return {
        "verified": verified,
        "lost": lost,
        "duplicated": duplicated,
        "table_messages": len(stored),
        "unacknowledged_stored": stored_unacknowledged,
    }


def check_group_lists(contents: TableContents, api_groups: dict[str, list[dict]], uuids: dict[str, str],
                      violations: list) -> None:
    """Each demo user's conversation list (API): each of their conversations once, at its newest message."""
    for handle, listing in api_groups.items():
        user_uuid = uuids[handle]
        expected = {group for group, conversation in contents.conversations.items()
                    if user_uuid in conversation["members"]["M"]}
        listed = Counter(entry["uuid"] for entry in listing)
        if set(listed) != expected or any(count > 1 for count in listed.values()):
            violations.append(f"@{handle}'s conversation list has {dict(listed)}, expected each of {expected} once")
        for entry in listing:
            newest = contents.newest_message(entry["uuid"])
            members = contents.conversations.get(entry["uuid"], {}).get("members", {}).get("M", {})
            others = [member["M"]["handle"]["S"] for uuid, member in members.items() if uuid != user_uuid]
            shown = (entry["message"], entry["created_at"], [entry["handle"]])
            if newest is None or shown != (newest["message"]["S"], newest["sk"]["S"], others):
                violations.append(f"@{handle}'s list shows {entry}, not the newest message of {entry['uuid']} "
                                  f"with {others}")


def verify(base: str, tokens: dict, uuids: dict[str, str], client, tally: Tally) -> dict:
    session = requests.Session()
    contents = read_table(client, TABLE)
    # Read every conversation as one of its members that has a token (a demo user is in each).
    reader_of = {}
    for group, conversation in contents.conversations.items():
        reader_of[group] = next(handle for handle, user_uuid in uuids.items()
                                if user_uuid in conversation["members"]["M"])
    for sent in tally.acknowledged:
        reader_of.setdefault(sent.group, sent.sender)
    api_listings = {group: api_pages(session, f"{base}/api/messages/{group}?limit=100", tokens[reader])
                    for group, reader in reader_of.items()}
    api_groups = {handle: api_pages(session, f"{base}/api/message_groups?limit=100", auth)
                  for handle, auth in tokens.items()}
    violations: list[str] = []
    figures = check_messages(contents, api_listings, tally, violations)
    violations += [str(violation) for violation in find_violations(contents)]
    check_group_lists(contents, api_groups, uuids, violations)
    expected_messages = len(tally.acknowledged) + figures["unacknowledged_stored"]
    if figures["table_messages"] != expected_messages:
        violations.append(f"the table holds {figures['table_messages']} messages; {len(tally.acknowledged)} were "
                          f"acknowledged and {figures['unacknowledged_stored']} unacknowledged ones were stored")
    for rejected in tally.rejected:
        violations.append(f"rejected send: {rejected}")
    server_errors = {status: count for status, count in tally.statuses.items() if status == "500"}
    if server_errors:
        violations.append(f"internal server errors: {server_errors}")
    # Each stored count was checked against its messages by find_violations (an `unread-count` violation if not).
    counted = sum(items.member_state_from(value["M"]) is not None
                  for item in contents.conversations.values() for value in item["members"]["M"].values())
    return {**figures, "conversations": len(contents.conversations), "unread_counts_checked": counted,
            "violations": violations}


# ---------------------------------------------------------------- the run


def create_fresh_users(count: int) -> list[str]:
    """Recipients nobody has written to; they never log in, so they need no password."""
    from users.models import User

    handles = [f"soak{i}" for i in range(count)]
    User.objects.bulk_create(User(handle=handle, display_name=f"Soak {handle}", email=f"{handle}@example.invalid")
                             for handle in handles)
    return handles


def run(args) -> dict:
    tally = Tally()
    with booted(TABLE) as boot:
        from messaging import ddb
        from users.models import User
        from users.seed import SEED_USERS

        recipients = create_fresh_users(args.fresh_users)
        demo = [seed.handle for seed in SEED_USERS]
        uuids = {handle: str(User.objects.get_by_handle(handle).uuid) for handle in demo}
        with gunicorn(boot.env, args.workers) as (_, base):
            tokens = {handle: token_headers(base, handle) for handle in demo}
            conversations = Conversations()
            open_demo_conversations(base, tokens, conversations, tally)
            opened, opening_requests = len(tally.acknowledged), tally.requests
            fresh = FreshPairs(demo, recipients, args.racers)

            logger.info("%d clients sending for %s s", args.clients, args.duration)
            began = time.monotonic()
            stop_at = began + args.duration
            clients = [threading.Thread(target=run_client, name=f"soak-client-{i}",
                                        args=(i, base, tokens, conversations, fresh, args, stop_at, tally))
                       for i in range(args.clients)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()
            elapsed = time.monotonic() - began
            logger.info("verifying %d acknowledged sends", len(tally.acknowledged))
            outcome = verify(base, tokens, uuids, ddb.get_client(), tally)

    violations = outcome.pop("violations")
    return {
        "args": {name: str(value) if isinstance(value, Path) else value for name, value in vars(args).items()},
        "cores": os.cpu_count(),
        "sends_attempted": tally.attempted,
        "acknowledged": len(tally.acknowledged),
        "opening_sends": opened,
        "retried_sends": tally.retried_sends,
        "impatient_sends": tally.impatient_sends,
        "retries": tally.retries,
        "unacknowledged": len(tally.unacknowledged),
        "rejected": len(tally.rejected),
        "http_requests": tally.requests,
        "statuses": dict(tally.statuses),
        **outcome,
        "violations": len(violations),
        "violation_examples": violations[:VIOLATIONS_KEPT],
        "load_seconds": round(elapsed, 1),
        "acknowledged_per_s": round((len(tally.acknowledged) - opened) / elapsed, 1),
        "requests_per_s": round((tally.requests - opening_requests) / elapsed, 1),
    }


def passed(results: dict) -> bool:
    return results["acknowledged"] > 0 and not (results["lost"] or results["duplicated"] or results["violations"])


def format_summary(results: dict) -> str:
    lines = [f"{name:22} {results[name]}" for name in (
        "sends_attempted", "acknowledged", "impatient_sends", "retried_sends", "retries", "unacknowledged",
        "unacknowledged_stored", "verified", "lost", "duplicated", "table_messages", "conversations",
        "unread_counts_checked", "violations",
        "statuses", "load_seconds", "acknowledged_per_s", "requests_per_s")]
    lines += [f"violation: {violation}" for violation in results["violation_examples"]]
    lines.append("PASS" if passed(results) else "FAIL")
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = bench_arguments(__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of sending")
    parser.add_argument("--new-share", type=float, default=0.3, help="share of sends by handle to a fresh pair")
    parser.add_argument("--racers", type=int, default=4, help="consecutive new sends that target the same pair")
    parser.add_argument("--fresh-users", type=int, default=2000, help="recipients nobody has written to yet")
    parser.add_argument("--impatient-share", type=float, default=0.05,
                        help="share of sends that give up on their first answer early and retry")
    parser.add_argument("--impatient-timeout", type=float, default=0.01, help="seconds such a send first waits")
    parser.add_argument("--grace", type=float, default=30.0, help="seconds after the end to keep retrying a send")
    parser.add_argument("--seed", type=int, default=1, help="seeds the clients' random choices")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    results = run(args)
    report(results, format_summary(results), args.json)
    return 0 if passed(results) else 1


if __name__ == "__main__":
    sys.exit(main())
