"""`manage.py ddb <subcommand>`: the messages table for operators (replaces the old bin/ddb scripts).

The same environment variables as the app choose the table: AWS_ENDPOINT_URL set means a local
DynamoDB, unset means real AWS, where `drop` and `seed` want `--yes`.
"""
import dataclasses
import itertools
import json
import logging
import time
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tabulate import tabulate

from messaging import ddb, names, services
from messaging.errors import MessagesUnavailable, NotFound, ValidationFailed
from messaging.recipients import InConversation, ToHandle
from messaging.store import recount, schema, table_check
from messaging.store.client import make_client
from messaging.store.errors import StoreError, StoreUnavailable
from messaging.store.models import Conversation, NamesRefreshReport
from messaging.store.stream_reader import StreamPosition, StreamReader
from messaging.stream import lambda_handler
from users.models import User
from users.seed import ALLOW_DEMO_PASSWORD_FLAG, PublishedPasswordRefused, refuse_published_password, seed_users

logger = logging.getLogger(__name__)

# The demo conversation `seed` writes: (sender handle, text), first to last.
DEMO_PARTNERS = ("andrewbrown", "bayko")
DEMO_CONVERSATION = (
    ("andrewbrown", "Did the new direct messages ship yet?"),
    ("bayko", "They did: one DynamoDB table, and the group list re-sorts on every message."),
    ("andrewbrown", "Nice. Does the old React client still work against it?"),
    ("bayko", "Unchanged: same JSON, still a 200 on send, still the 422 error codes."),
    ("andrewbrown", "Then let us try it out right here."),
)
TEXT_WIDTH = 60


def _clip(text, width=TEXT_WIDTH) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _conversation_json(conversation: Conversation) -> dict:
    # The conversation id keeps the key `uuid` that this command's JSON has always had.
    fields = dataclasses.asdict(conversation)
    return {"uuid": fields.pop("message_group_uuid"), **fields}


class Command(BaseCommand):
    help = "Operate the messages table: schema, inspection, demo data, backfill and the stream worker."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        commands = {
            "schema-load": sub.add_parser("schema-load", help="Create the table (GSI, stream, TTL) if missing."),
            "drop": sub.add_parser("drop", help="Delete the table and everything in it."),
            "list-tables": sub.add_parser("list-tables", help="The tables at this endpoint."),
            "scan": sub.add_parser("scan", help="Every item of the table, raw."),
            "check": sub.add_parser(
                "check", help="Check every conversation against the store's invariant; exit 1 on a violation."
            ),
            "seed": sub.add_parser("seed", help="The demo users and their demo conversation (once)."),
            "get-conversation": sub.add_parser("get-conversation", help="A conversation's members and messages."),
            "list-conversations": sub.add_parser("list-conversations", help="A user's conversations, newest first."),
            "backfill": sub.add_parser(
                "backfill", help="Write conversation and pair items for conversations of the old backend."
            ),
            "stream-worker": sub.add_parser(
                "stream-worker", help="Poll the table's stream and apply new messages to the group items."
            ),
            "refresh-names": sub.add_parser(
                "refresh-names", help="Rewrite the handles and names copied into group and conversation items to "
                                      "the users' current ones (safe to stop and rerun)."
            ),
            "recount": sub.add_parser(
                "recount", help="Set every member's unread count from the messages (resumable, safe to repeat)."
            ),
        }
        for command in commands.values():
            command.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of tables.")
        for name in ("drop", "seed"):
            commands[name].add_argument("--yes", action="store_true", help="Confirm this on real AWS.")
        commands["seed"].add_argument(
            ALLOW_DEMO_PASSWORD_FLAG, action="store_true",
            help="Let new demo users get the README's published password outside the embedded default.",
        )
        commands["scan"].add_argument("--limit", type=int, help="At most this many items.")
        commands["recount"].add_argument(
            "--after", metavar="UUID", help="Resume: only conversations whose uuid sorts after this one.")
        commands["get-conversation"].add_argument("message_group_uuid")
        commands["list-conversations"].add_argument("handle")
        commands["refresh-names"].add_argument("--user", dest="handle", help="Only the names of this user.")
        worker = commands["stream-worker"]
        worker.add_argument(
            "--position-file", type=Path,
            help="Where the worker keeps its stream position (default: <CRUDDUR_DATA_DIR>/ddb-stream-position.json).",
        )
        worker.add_argument("--once", action="store_true", help="Read what is in the stream now, then stop.")
        worker.add_argument("--interval", type=float, default=1.0, help="Seconds between polls (default 1).")

    def handle(self, *args, subcommand, as_json, **options):
        self.as_json = as_json
        run = getattr(self, "_" + subcommand.replace("-", "_"))
        try:
            with ddb.operator_limits():
                run(**options)
        except (StoreError, MessagesUnavailable, BotoCoreError, ClientError) as error:
            raise CommandError(f"{subcommand} on table {ddb.table_name()} failed: {error}") from None

    # ---------------------------------------------------------------- output

    def _emit(self, data, rows=None, headers=(), summary=None):
        """`data` as JSON with --json; otherwise `rows` as a table and a summary line."""
        if self.as_json:
            self.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False))
            return
        if rows:
            self.stdout.write(tabulate(rows, headers=headers))
        if summary:
            self.stdout.write(summary)

    def _where(self) -> str:
        return settings.AWS_ENDPOINT_URL or f"real AWS ({settings.AWS_DEFAULT_REGION})"

    def _confirm_on_real_aws(self, what: str, yes: bool) -> None:
        if not settings.AWS_ENDPOINT_URL and not yes:
            raise CommandError(
                f"Refusing to {what} on real AWS ({settings.AWS_DEFAULT_REGION}) without --yes"
                " (AWS_ENDPOINT_URL is unset)"
            )

    # ---------------------------------------------------------------- table

    def _schema_load(self, **options):
        created = schema.create_table(ddb.get_client(), ddb.table_name())
        state = "created" if created else "already exists"
        self._emit({"table": ddb.table_name(), "created": created},
                   summary=f"table {ddb.table_name()} {state} at {self._where()}")

    def _drop(self, yes, **options):
        self._confirm_on_real_aws(f"drop table {ddb.table_name()}", yes)
        dropped = schema.drop_table(ddb.get_client(), ddb.table_name())
        ddb.reset()  # the store remembers facts about the table it just lost
        state = "dropped" if dropped else "did not exist"
        self._emit({"table": ddb.table_name(), "dropped": dropped},
                   summary=f"table {ddb.table_name()} {state} at {self._where()}")

    def _list_tables(self, **options):
        names = schema.list_tables(ddb.get_client())
        self._emit(names, rows=[(name,) for name in names], headers=("table",),
                   summary=f"{len(names)} tables at {self._where()}")

    def _scan(self, limit, **options):
        scanned = table_check.scan_items(ddb.get_client(), ddb.table_name())
        found = [table_check.plain(item) for item in itertools.islice(scanned, limit)]
        rows = [
            (item.get("pk"), item.get("sk"),
             _clip(", ".join(f"{k}={v}" for k, v in sorted(item.items()) if k not in ("pk", "sk")), 90))
            for item in found
        ]
        self._emit(found, rows=rows, headers=("pk", "sk", "attributes"),
                   summary=f"{len(found)} items in {ddb.table_name()}")

    def _check(self, **options):
        contents = table_check.read_table(ddb.get_client(), ddb.table_name())
        violations = table_check.find_violations(contents)
        self._emit([dataclasses.asdict(violation) for violation in violations],
                   rows=[(v.conversation_uuid, v.kind, v.detail) for v in violations],
                   headers=("conversation", "violation", "detail"),
                   summary=f"{len(violations)} violations in {len(contents.conversations)} conversations"
                           f" of {ddb.table_name()}")
        if violations:
            raise CommandError(f"check of table {ddb.table_name()} found {len(violations)} violations")

    # ---------------------------------------------------------------- conversations

    def _seed(self, yes, allow_demo_password, **options):
        self._confirm_on_real_aws(f"write demo data into {ddb.table_name()}", yes)
        try:
            refuse_published_password(None, allowed=allow_demo_password)
        except PublishedPasswordRefused as refusal:
            raise CommandError(str(refusal)) from None
        seed_users()
        users = {handle: User.objects.get_by_handle(handle) for handle in DEMO_PARTNERS}
        first, second = (str(users[handle].uuid) for handle in DEMO_PARTNERS)
        existing = ddb.get_store().find_conversation_between(a_uuid=first, b_uuid=second)
        if existing is not None:
            self._emit({"message_group_uuid": existing, "created": False},
                       summary=f"demo conversation {existing} already exists; nothing written")
            return
        message_group_uuid = None
        for handle, text in DEMO_CONVERSATION:
            sender = users[handle]
            try:
                if message_group_uuid is None:
                    other = next(h for h in DEMO_PARTNERS if h != handle)
                    message_group_uuid = services.send_message(sender=sender, text=text,
                                                       to=ToHandle(handle=other)).message_group_uuid
                else:
                    services.send_message(sender=sender, text=text,
                                          to=InConversation(message_group_uuid=message_group_uuid))
            except ValidationFailed as error:
                raise CommandError(f"the demo message was refused: {error.codes}") from None
        self._emit({"message_group_uuid": message_group_uuid, "created": True, "messages": len(DEMO_CONVERSATION)},
                   summary=f"demo conversation {message_group_uuid}: @{DEMO_PARTNERS[0]} and @{DEMO_PARTNERS[1]},"
                           f" {len(DEMO_CONVERSATION)} messages")

    def _get_conversation(self, message_group_uuid, **options):
        store = ddb.get_store()
        conversation = store.get_conversation(message_group_uuid=message_group_uuid.lower())
        if conversation is None:
            raise CommandError(f"no conversation {message_group_uuid} in {ddb.table_name()}")
        messages, cursor = [], None
        while True:
            page = store.list_messages(message_group_uuid=conversation.message_group_uuid, limit=100, before=cursor)
            messages[:0] = page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        data = {"conversation": _conversation_json(conversation),
                "messages": [dataclasses.asdict(message) for message in messages]}
        if not self.as_json:
            members = ", ".join(f"@{m.handle} ({m.display_name})" for m in conversation.members)
            self.stdout.write(f"conversation {conversation.message_group_uuid}: {members}; last message at"
                              f" {conversation.last_message_at}{' (old backend)' if conversation.legacy else ''}")
        self._emit(data, rows=[(m.created_at, m.sender.handle, _clip(m.text)) for m in messages],
                   headers=("created_at", "from", "message"), summary=f"{len(messages)} messages")

    def _list_conversations(self, handle, **options):
        try:
            user = User.objects.get_by_handle(handle.lstrip("@"))
        except User.DoesNotExist:
            raise CommandError(f"no user @{handle.lstrip('@')}") from None
        groups, cursor = [], None
        while True:
            page = ddb.get_store().list_groups(user_uuid=str(user.uuid), limit=100, before=cursor)
            groups.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        rows = [(g.uuid, f"@{g.other.handle}", g.other.display_name, _clip(g.last_message, 40), g.last_message_at)
                for g in groups]
        self._emit([dataclasses.asdict(group) for group in groups], rows=rows,
                   headers=("message_group_uuid", "with", "name", "last message", "at"),
                   summary=f"{len(groups)} conversations of @{user.handle}")

    def _backfill(self, **options):
        report = ddb.get_store().backfill()
        data = dataclasses.asdict(report)
        self._emit(data, rows=[(name.replace("_", " "), count) for name, count in data.items()],
                   headers=("backfill", "count"), summary=f"backfill of {ddb.table_name()} done")

    def _refresh_names(self, handle, **options):
        def progress(report: NamesRefreshReport) -> None:
            self.stderr.write(f"scanned {report.scanned} items: {report.group_items_updated} group items and "
                              f"{report.conversations_updated} conversations updated so far")

        try:
            report = names.refresh_stored_names(handle=handle, progress=progress)
        except NotFound as error:
            raise CommandError(str(error)) from None
        data = dataclasses.asdict(report)
        changed = report.group_items_updated + report.conversations_updated
        self._emit(data, rows=[(name.replace("_", " "), count) for name, count in data.items()],
                   headers=("refresh-names", "count"),
                   summary=f"refresh-names of {ddb.table_name()} done: {changed} items changed"
                           + (f" (rerun to catch {report.moved} items sends moved meanwhile)" if report.moved else ""))
    def _recount(self, after, **options):
        store = ddb.get_store()
        if not store.is_backfilled():
            self.stderr.write("The table is not backfilled: conversations of the old backend without a conversation "
                              "item are counted when first used; run `ddb backfill` first to recount them too.")

        def progress(report: recount.RecountReport) -> None:
            if not self.as_json and report.conversations % 100 == 0:
                self.stderr.write(f"{report.conversations} conversations, {report.states_written} states written; "
                                  f"resume with --after {report.last_conversation}")

        report = recount.recount(store, after=after, progress=progress)
        data = dataclasses.asdict(report)
        self._emit(data, rows=[(change,) for change in report.changes], headers=("written",),
                   summary=f"recount of {ddb.table_name()}: {report.conversations} conversations, "
                           f"{report.states_written} read states written, {report.states_unchanged} already right")

    # ---------------------------------------------------------------- stream mode

    def _stream_worker(self, position_file, once, interval, **options):
        position_file = position_file or settings.DATA_DIR / "ddb-stream-position.json"
        streams = make_client(ddb.client_settings(), service="dynamodbstreams")
        reader = StreamReader(ddb.get_client(), streams, ddb.table_name())
        store = ddb.get_store()
        position = StreamPosition.load(position_file)

        def apply(records: list[dict]) -> set[str]:
            result = lambda_handler({"Records": records}, None, store=store)
            return {failure["itemIdentifier"] for failure in result["batchItemFailures"]}

        if not once:
            self.stdout.write(f"polling the stream of {ddb.table_name()} at {self._where()}; Ctrl-C stops")
        try:
            while True:
                try:
                    report = reader.poll(position, apply)
                except (StoreUnavailable, BotoCoreError, ClientError) as error:
                    if once:
                        raise
                    logger.warning("stream poll failed, trying again: %s", error)
                    time.sleep(interval)
                    continue
                finally:
                    position.save(position_file)
                if once or report.records or report.failed:
                    self._emit(dataclasses.asdict(report),
                               summary=f"{report.records} records handled, {report.failed} failed,"
                                       f" {report.shards} shards read")
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write(f"stopped; position saved in {position_file}")

