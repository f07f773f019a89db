"""`manage.py rundev`: the embedded default — DynamoDB Local, table, demo data, dev server.

The server is uvicorn on `cruddur.asgi:application` (as in production), so the live events of `GET /api/events`
work here too, on the in-process bus: no extra command and no Redis."""
import os

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from messaging import ddb
from messaging.devtools.dynamodb_local import DynamoDBLocal, DynamoDBLocalError


class Command(BaseCommand):
    help = (
        "Run the app on its embedded default: start DynamoDB Local (data under var/dynamodb), "
        "create the table and demo data on first run, then serve on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Do not restart on code changes.")

    def handle(self, *args, addrport, noreload, **options):
        host, _, web_port = addrport.rpartition(":")
        if not web_port.isdigit():
            raise CommandError(f"{addrport!r} is not host:port")
        local = None
        if not settings.AWS_ENDPOINT_URL:
            port = int(os.environ.get("DDB_LOCAL_PORT", "8001"))
            local = DynamoDBLocal(port=port, data_dir=settings.DATA_DIR / "dynamodb")
            try:
                local.start()
            except DynamoDBLocalError as error:
                raise CommandError(str(error)) from None
            # The server's (and its reloader's) processes inherit this and talk to the same DynamoDB Local.
            os.environ["AWS_ENDPOINT_URL"] = settings.AWS_ENDPOINT_URL = local.endpoint_url
            ddb.reset()
            self.stdout.write(f"DynamoDB Local on {local.endpoint_url}, data in {local.data_dir}")
            self.stdout.write(self.style.WARNING(
                f"DynamoDB Local also answers on port {port} of every other interface of this machine, without"
                " authentication: keep that port closed to other hosts (see the README)."))
        try:
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            call_command("migrate", interactive=False, verbosity=0)
            # Both are no-ops once done, so only the first run creates the table and demo data.
            call_command("ddb", "schema-load", stdout=self.stdout)
            call_command("ddb", "seed", stdout=self.stdout)
            host = host or "127.0.0.1"
            self.stdout.write(f"Serving http://{host}:{web_port} (live events on the in-process bus)")
            uvicorn.run("cruddur.asgi:application", host=host, port=int(web_port), reload=not noreload,
                        reload_dirs=[str(settings.BASE_DIR)], log_level="info")
        finally:
            if local is not None:
                local.stop()
                self.stdout.write("DynamoDB Local stopped")
