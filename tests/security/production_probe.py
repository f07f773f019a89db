"""Run by test_production_responses in a fresh interpreter configured as a deployment (SECRET_KEY and
ALLOWED_HOSTS set, nothing else): logs in through the login page over HTTPS with the test client and
prints, as JSON, the Set-Cookie headers and security headers the app sent."""
import json
import re
import sys

import django

HOST = "messages.cruddur.example"
HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy",
           "X-Frame-Options", "Content-Security-Policy")
PAGES = {"login page": "/login", "API": "/api/health-check", "API docs": "/api/docs/",
         "admin login": "/admin/login/", "not found": "/no-such-page"}


def set_cookies(response) -> list[str]:
    # What the WSGI handler sends as Set-Cookie header values.
    return [morsel.OutputString() for morsel in response.cookies.values()]


def observe() -> dict:
    from django.core.management import call_command
    from django.test import Client

    from tests.support.users import PASSWORD, make_user

    call_command("migrate", verbosity=0, interactive=False)
    make_user("alice")
    browser = Client(enforce_csrf_checks=True, HTTP_HOST=HOST)

    plain_http = browser.get("/login")
    login_page = browser.get("/login", secure=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.content.decode()).group(1)
    logged_in = browser.post("/login", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
                             secure=True, HTTP_ORIGIN=f"https://{HOST}")
    visitor = Client(HTTP_HOST=HOST)
    pages = {name: visitor.get(path, secure=True) for name, path in PAGES.items()}
    return {
        "plain http": {"status": plain_http.status_code, "location": plain_http.get("Location")},
        "login page": {"status": login_page.status_code, "set_cookie": set_cookies(login_page)},
        "logged in": {"status": logged_in.status_code, "location": logged_in.get("Location"),
                      "set_cookie": set_cookies(logged_in)},
        "pages": {
            name: {"status": response.status_code, "body": response.content.decode()[:3000],
                   "headers": {header: response.get(header) for header in HEADERS}}
            for name, response in pages.items()
        },
    }


if __name__ == "__main__":
    django.setup()
    from django.test.utils import override_settings

    # Production serves collected, hashed static files; this probe has not run collectstatic, and
    # static storage is not what it looks at.
    plain_static = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain_static):
        json.dump(observe(), sys.stdout)
