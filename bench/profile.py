"""Where one API request spends its time: pyinstrument over N requests, in this process, against DynamoDB Local.

    .venv/bin/python bench/profile.py groups         # GET /api/message_groups
    .venv/bin/python bench/profile.py messages       # GET /api/messages/<uuid>
    .venv/bin/python bench/profile.py continue       # POST /api/messages into an existing conversation

Runs the app as deployed (DEBUG off) through Django's test client, so the profile shows the app's own
work (authentication, DRF, services, the store, botocore) without gunicorn and HTTP around it.
"""
import argparse
import secrets
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.harness import booted  # noqa: E402
from bench.workload import PEER, PRODUCTION_SETTINGS, SENDER  # noqa: E402


def requests_of(client, headers: dict, group_uuid: str) -> dict:
    return {
        "groups": lambda: client.get("/api/message_groups", **headers),
        "messages": lambda: client.get(f"/api/messages/{group_uuid}", **headers),
        "continue": lambda: client.post("/api/messages", {"message": "again", "message_group_uuid": group_uuid},
                                        content_type="application/json", **headers),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("endpoint", choices=["groups", "messages", "continue"])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)

    settings = {**PRODUCTION_SETTINGS, "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory(prefix="cruddur-profile-") as tmp, \
            booted("cruddur-messages-profile", {**settings, "STATIC_ROOT": str(Path(tmp) / "static")},
                   tmp_dir=Path(tmp)):
        from django.test import Client
        from pyinstrument import Profiler

        from users.authentication import issue_local_token
        from users.models import User

        headers = {"HTTP_AUTHORIZATION": f"Bearer {issue_local_token(User.objects.get_by_handle(SENDER)).access_token}"}
        client = Client()
        first = client.post("/api/messages", {"message": "hello", "handle": PEER}, content_type="application/json",
                            **headers)
        request = requests_of(client, headers, first.json()["message_group_uuid"])[args.endpoint]
        for _ in range(50):  # warm caches and connections, as a running worker has them
            request()
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.requests):
                assert request().status_code == 200
        sys.stdout.write(profiler.output_text(unicode=False, color=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
