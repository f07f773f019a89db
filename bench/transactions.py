"""What a send's write costs DynamoDB Local, piece by piece: writes per second from N threads for a plain PutItem
(the old backend's whole send) and for TransactWriteItems growing from one Put to the continued send's full
shape (message, lookup item, conversation update, two group-item deletes and puts, two block checks).

    .venv/bin/python bench/transactions.py                     # N=8, 200 writes per shape, 2 rounds
    .venv/bin/python bench/transactions.py --threads 1 8 --writes 300 --json transactions.json

Each thread writes its own items (no two writes touch one item, so no write is cancelled); the shapes run in
turn, round after round, so all see the same machine. The first round is a warm-up (DynamoDB Local's JIT), and
the table reports the last.
"""
import argparse
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.harness import report  # noqa: E402
from messaging.devtools.dynamodb_local import DynamoDBLocal  # noqa: E402
from messaging.store import items, schema  # noqa: E402
from messaging.store.blocks import block_checks  # noqa: E402
from messaging.store.client import ClientSettings, make_client  # noqa: E402
from messaging.store.models import Message, UserRef  # noqa: E402
from messaging.store.transactions import delete, put_new  # noqa: E402

TABLE = "cruddur-messages-transactions"


def send_shape(parts: int, writer: int) -> list[dict]:
    """The first `parts` pieces of a continued send's transaction, with the items and checks the store builds
    (store.py, items.py, blocks.py), on fresh keys of this writer's own."""
    at = f"{time.time_ns()}"
    sender, recipient = (UserRef(f"{writer}-{member}", f"user{member}", f"User {member}") for member in "ab")
    message = Message(str(uuid.uuid4()), str(uuid.uuid4()), at, "x", sender)
    pieces = [
        put_new(TABLE, items.message_item(message)),
        put_new(TABLE, items.lookup_item(message)),
        {"Update": {"TableName": TABLE, "Key": items.conversation_key(message.message_group_uuid),
                    "UpdateExpression": "SET last_message_at = :at",
                    "ExpressionAttributeValues": {":at": items.S(at)}}},
        *[delete(TABLE, items.key(items.group_pk(member.uuid), f"old-{at}")) for member in (sender, recipient)],
        *[put_new(TABLE, items.group_item(owner.uuid, at, message.message_group_uuid, other, message.text))
          for owner, other in ((sender, recipient), (recipient, sender))],
        *[check for _, check in block_checks(TABLE, sender.uuid, recipient.uuid)],
    ]
    return pieces[:parts]


# (name, how many pieces of send_shape), None for a plain PutItem of the message alone.
SHAPES = [
    ("PutItem (the old backend's send)", None),
    ("transaction: message", 1),
    ("+ lookup item", 2),
    ("+ conversation update", 3),
    ("+ 2 group-item deletes", 5),
    ("+ 2 group-item puts (GSI)", 7),
    ("+ 2 block checks (a continued send)", 9),
]


def writes_per_second(client, parts: int | None, threads: int, writes: int) -> float:
    def writer(index: int) -> None:
        for _ in range(writes // threads):
            if parts is None:
                client.put_item(**send_shape(1, index)[0]["Put"])
            else:
                client.transact_write_items(TransactItems=send_shape(parts, index))

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(writer, range(threads)))
    return round(writes // threads * threads / (time.perf_counter() - started), 1)


def run(args) -> dict:
    results = {"args": vars(args), "rounds": []}
    with tempfile.TemporaryDirectory(prefix="cruddur-bench-transactions-") as tmp, \
            DynamoDBLocal(data_dir=Path(tmp)) as local:
        client = make_client(ClientSettings(region="us-east-1", endpoint_url=local.endpoint_url,
                                            max_pool_connections=max(args.threads)))
        schema.create_table(client, TABLE)
        for _ in range(args.rounds):
            results["rounds"].append({
                str(threads): {name: writes_per_second(client, parts, threads, args.writes) for name, parts in SHAPES}
                for threads in args.threads})
    return results


def format_table(results: dict) -> str:
    last = results["rounds"][-1]
    lines = [f"{'write':40}" + "".join(f" {'N=' + n + ' w/s':>12}" for n in last)]
    for name, _ in SHAPES:
        lines.append(f"{name:40}" + "".join(f" {last[n][name]:>12}" for n in last))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--threads", type=int, nargs="+", default=[8])
    parser.add_argument("--writes", type=int, default=200, help="writes per shape, thread count and round")
    parser.add_argument("--rounds", type=int, default=2, help="the first warms DynamoDB Local up")
    args = parser.parse_args(argv)
    results = run(args)
    report(results, format_table(results), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
