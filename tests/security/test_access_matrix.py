"""Who reaches what: every API endpoint, page and admin page, for an anonymous visitor, a stranger
to the conversation (carol), its member (alice) and a staff member who is not in it. Staff get no
special access to messages; only staff reach the admin."""
import pytest
from django.test import Client

from tests.support.tokens import auth
from tests.support.users import PASSWORD
from tests.support.world import World

ROLES = ("anonymous", "stranger", "member", "staff")
ROLE_USER = {"stranger": "carol", "member": "alice", "staff": "staff"}
EVERYONE = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 401, "stranger": 200, "member": 200, "staff": 200}
MEMBERS_ONLY = {"anonymous": 401, "stranger": 404, "member": 200, "staff": 404}

# name: (method, path, JSON body, expected status per role)
API = {
    "health check": ("get", "/api/health-check", None, EVERYONE),
    "OpenAPI schema": ("get", "/api/schema/", None, EVERYONE),
    "API docs": ("get", "/api/docs/", None, EVERYONE),
    "a user's short profile": ("get", "/api/users/@bob/short", None, SIGNED_IN),
    "my conversations": ("get", "/api/message_groups", None, SIGNED_IN),
    "a conversation's messages": ("get", "/api/messages/{group}", None, MEMBERS_ONLY),
    "post to a conversation": ("post", "/api/messages", {"message": "probe", "message_group_uuid": "{group}"},
                               MEMBERS_ONLY),
    "start a conversation by handle": ("post", "/api/messages", {"message": "probe", "handle": "bob"}, SIGNED_IN),
    "block a user": ("post", "/api/users/@bob/block", None, SIGNED_IN),
    "unblock a user": ("delete", "/api/users/@bob/block", None, SIGNED_IN),
    "the users I block": ("get", "/api/users/blocked", None, SIGNED_IN),
}

LOGIN = {"anonymous": "/login?next="}
ANY_USER = {"anonymous": LOGIN["anonymous"], "stranger": 200, "member": 200, "staff": 200}
# name: (method, path, form data, expected status, or the start of the redirect's Location, per role)
PAGES = {
    "my conversations": ("get", "/messages", None, ANY_USER),
    "a conversation": ("get", "/messages/{group}", None,
                       {"anonymous": LOGIN["anonymous"], "stranger": 404, "member": 200, "staff": 404}),
    "send in a conversation": ("post", "/messages/{group}", {"message": "probe"},
                               {"anonymous": LOGIN["anonymous"], "stranger": 404, "member": "/messages/{group}",
                                "staff": 404}),
    "new message form": ("get", "/messages/new/bob", None, ANY_USER),
    "send a first message": ("post", "/messages/new/bob", {"message": "probe"},
                             {"anonymous": LOGIN["anonymous"], "stranger": "/messages/", "member": "/messages/{group}",
                              "staff": "/messages/"}),
    "find people": ("get", "/people?q=bob", None, ANY_USER),
    "the people I block": ("get", "/people/blocked", None, ANY_USER),
    "block from a page": ("post", "/people/@bob/block", {"action": "block", "next": "/people?q=bob"},
                          {"anonymous": LOGIN["anonymous"], "stranger": "/people?q=bob", "member": "/people?q=bob",
                           "staff": "/people?q=bob"}),
}

ADMIN_PAGES = [
    "/admin/",
    "/admin/users/user/",
    "/admin/users/user/add/",
    "/admin/users/user/{carol_pk}/change/",
    "/admin/users/user/{carol_pk}/history/",
    "/admin/users/user/{carol_pk}/password/",
    "/admin/users/user/{carol_pk}/delete/",
    "/admin/auth/group/",
    "/admin/messaging/block/",
]


def fill(template: str, world: World) -> str:
    return template.format(group=world.group, carol_pk=world.carol.pk)


def api_headers(world: World, role: str) -> dict:
    return auth(getattr(world, ROLE_USER[role])) if role in ROLE_USER else {}


def page_client(world: World, role: str) -> Client:
    browser = Client()
    if role in ROLE_USER:
        browser.force_login(getattr(world, ROLE_USER[role]))
    return browser


def check_outcome(response, expected, world: World, role: str):
    if isinstance(expected, int):
        assert response.status_code == expected, (role, response.content.decode()[:500])
    else:
        assert response.status_code == 302, role
        assert response["Location"].startswith(fill(expected, world)), (role, response["Location"])


# Each test walks the roles in turn over one conversation (one table setup per endpoint, not per role).
@pytest.mark.parametrize("endpoint", API)
def test_api_endpoint(client, world, endpoint):
    method, path, body, expected = API[endpoint]
    kwargs = {"content_type": "application/json", "data": {k: fill(v, world) for k, v in body.items()}} if body else {}
    for role in ROLES:
        response = getattr(client, method)(fill(path, world), **kwargs, **api_headers(world, role))
        assert response.status_code == expected[role], (role, response.content.decode()[:500])
        if expected[role] == 404:
            assert response.json() == {"detail": "Not found."}  # as for a conversation that does not exist


@pytest.mark.parametrize("page", PAGES)
def test_page(world, page):
    method, path, data, expected = PAGES[page]
    for role in ROLES:
        response = getattr(page_client(world, role), method)(fill(path, world), data or {})
        check_outcome(response, expected[role], world, role)


@pytest.mark.parametrize("role", ["stranger", "staff"])
def test_only_members_see_the_conversation_listed_or_shown(client, world, role):
    listed = client.get("/api/message_groups", **api_headers(world, role)).json()
    assert world.group not in [group["uuid"] for group in listed]
    page = page_client(world, role).get("/messages").content.decode()
    assert world.group not in page and "Hello bob" not in page


@pytest.mark.parametrize("role", ["anonymous", "stranger", "staff"])
def test_posts_refused_to_non_members_store_nothing(client, world, role):
    client.post("/api/messages", {"message": "api probe", "message_group_uuid": world.group},
                content_type="application/json", **api_headers(world, role))
    page_client(world, role).post(f"/messages/{world.group}", {"message": "page probe"})
    assert world.texts() == ["Hello bob"]


def test_token_endpoint_needs_no_prior_authentication(client, world):
    response = client.post("/api/auth/token", {"username": "alice", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_staff_only(world, path):
    path = fill(path, world)
    for role in ("anonymous", "stranger", "member"):
        response = page_client(world, role).get(path)
        assert response.status_code == 302, (role, path)
        assert response["Location"].startswith("/admin/login/"), (role, path)
    assert page_client(world, "staff").get(path).status_code == 200


def test_a_non_staff_post_to_the_admin_changes_nothing(world):
    response = page_client(world, "member").post(
        f"/admin/users/user/{world.carol.pk}/change/",
        {"handle": "carol", "display_name": "Hijacked", "email": world.carol.email, "is_active": "on",
         "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    world.carol.refresh_from_db()
    assert (world.carol.display_name, world.carol.is_staff, world.carol.is_superuser) == ("Carol", False, False)
