from django.core.management.base import BaseCommand

from users.seed import SEED_USERS, seed_users


class Command(BaseCommand):
    help = "Create the demo users (Andrew Brown, Andrew Bayko, ...). Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", help="Password for newly created users (default: SEED_USER_PASSWORD or the README's)."
        )

    def handle(self, *args, password=None, **options):
        created = seed_users(password)
        for user in created:
            self.stdout.write(f"created  @{user.handle:<12} {user.display_name}")
        self.stdout.write(f"{len(created)} created, {len(SEED_USERS) - len(created)} already present")
