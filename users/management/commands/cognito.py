"""`manage.py cognito list-users | sync-user-ids`: the user pool against the users table."""
import json

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tabulate import tabulate

from users.cognito import SUB_HELD, SyncConflict, list_pool_users, make_cognito_client, sync_user_ids


def _conflict_detail(conflict: SyncConflict) -> str:
    if conflict.reason == SUB_HELD:
        return f"sub {conflict.pool_user.sub} already on @{conflict.handle}"
    return f"not linked: @{conflict.handle}'s email is not the pool's verified {conflict.pool_user.email or '(none)'}"


class Command(BaseCommand):
    help = (
        "Read the Cognito user pool; link its users to rows by handle = preferred_username, when the pool"
        " has verified the row's email for that user."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user-pool-id", help="The pool (default: AWS_COGNITO_USER_POOL_ID).")
        parser.add_argument("--region", help="The pool's region (default: AWS_COGNITO_REGION).")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print JSON instead of a table.")
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        subcommands.add_parser("list-users", help="Every user of the pool.")
        subcommands.add_parser(
            "sync-user-ids",
            help="Set cognito_user_id from the pool's sub on the users whose handle and verified email match.",
        )

    def handle(self, *args, subcommand, user_pool_id, region, as_json, **options):
        user_pool_id = user_pool_id or settings.COGNITO_USER_POOL_ID
        if not user_pool_id:
            raise CommandError("No user pool: set AWS_COGNITO_USER_POOL_ID or pass --user-pool-id")
        client = make_cognito_client(region or settings.COGNITO_REGION)
        try:
            pool_users = list_pool_users(client, user_pool_id)
        except (BotoCoreError, ClientError) as error:
            raise CommandError(f"Cannot list the users of {user_pool_id}: {error}") from None
        if subcommand == "list-users":
            self._list_users(pool_users, as_json=as_json)
        else:
            self._sync(pool_users, as_json=as_json)

    def _list_users(self, pool_users, as_json):
        rows = [
            {
                "username": user.username, "preferred_username": user.preferred_username, "sub": user.sub,
                "email": user.email, "name": user.name, "status": user.status,
            }
            for user in pool_users
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        self.stdout.write(tabulate(rows, headers="keys") if rows else "no users")
        self.stdout.write(f"{len(rows)} users")

    def _sync(self, pool_users, as_json):
        report = sync_user_ids(pool_users)
        if as_json:
            self.stdout.write(json.dumps({
                "changed": [{"handle": h, "old": old, "new": new} for h, old, new in report.changed],
                "unchanged": report.unchanged,
                "no_match": [{"username": u.username, "preferred_username": u.preferred_username, "sub": u.sub}
                             for u in report.no_match],
                "conflicts": [{"preferred_username": c.pool_user.preferred_username, "sub": c.pool_user.sub,
                               "handle": c.handle, "reason": c.reason} for c in report.conflicts],
            }, indent=2))
            return
        rows = [("changed", f"@{h}", f"{old or '-'} -> {new}") for h, old, new in report.changed]
        rows += [("unchanged", f"@{h}", "") for h in report.unchanged]
        rows += [("no match", u.preferred_username or "-", f"pool user {u.username}") for u in report.no_match]
        rows += [("conflict", f"@{c.pool_user.preferred_username}", _conflict_detail(c)) for c in report.conflicts]
        if rows:
            self.stdout.write(tabulate(rows, headers=["result", "handle", "detail"]))
        self.stdout.write(
            f"{len(report.changed)} changed, {len(report.unchanged)} unchanged, {len(report.no_match)} no match,"
            f" {len(report.conflicts)} conflicts"
        )
