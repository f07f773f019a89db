from django.core.management.base import BaseCommand, CommandError

from users.seed import (
    ALLOW_DEMO_PASSWORD_FLAG,
    SEED_USERS,
    PublishedPasswordRefused,
    refuse_published_password,
    seed_users,
)


class Command(BaseCommand):
    help = "Create the demo users (Andrew Brown, Andrew Bayko, ...). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for newly created users (default: SEED_USER_PASSWORD or the README's)."
        )
        parser.add_argument(
            ALLOW_DEMO_PASSWORD_FLAG, action="store_true",
            help="Let new users get the README's published password outside the embedded default.",
        )

    def handle(self, *args, password=None, allow_demo_password=False, **options):
        try:
            refuse_published_password(password, allowed=allow_demo_password)
        except PublishedPasswordRefused as refusal:
            raise CommandError(str(refusal)) from None
        created = seed_users(password)
        for user in created:
            self.stdout.write(f"created  @{user.handle:<12} {user.display_name}")
        self.stdout.write(f"{len(created)} created, {len(SEED_USERS) - len(created)} already present")
