"""A rename through the admin on one instance shows in both members' lists and pages on both instances at once:
the names are looked up by uuid through the shared cache, whose entries the save invalidated."""
import re

import pytest
import requests

from bench.harness import PASSWORD, manage, token_headers
from tests.support.fleet import fleet_env, save_user

pytestmark = pytest.mark.ddb_local

TIMEOUT = 30


def form_session(base_url: str, path: str, fields: dict) -> requests.Session:
    """A browser-like session logged in through the login form at `path`."""
    session = requests.Session()
    session.get(f"{base_url}{path}", timeout=TIMEOUT)
    answer = session.post(f"{base_url}{path}", data={**fields, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                          allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 302, answer.text[:500]
    return session


def names(answer: requests.Response) -> set[tuple[str, str]]:
    assert answer.status_code == 200, answer.text
    return {(item["handle"], item["display_name"]) for item in answer.json()}


def test_a_rename_in_the_admin_shows_on_both_instances_at_once(fleet, redis_client, ddb_local_server, users_dir,
                                                                shared_redis):
    first, second = fleet
    env = fleet_env(ddb_local_server.endpoint_url, users_dir, shared_redis.url)
    manage({**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}, "createsuperuser", "--no-input", "--handle",
           "fleetstaff", "--email", "fleetstaff@cruddur.example", "--display_name", "Fleet Staff")
    londo, gakar = token_headers(first.base_url, "londo"), token_headers(first.base_url, "Gakar")
    sent = requests.post(f"{first.base_url}/api/messages", json={"message": "Hello Gakar", "handle": "gakar"},
                         headers=londo, timeout=TIMEOUT)
    assert sent.status_code == 200, sent.text
    group = sent.json()["message_group_uuid"]
    reply = requests.post(f"{first.base_url}/api/messages", json={"message": "Hello", "message_group_uuid": group},
                          headers=gakar, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    for app in (first, second):  # both instances have the names cached now
        assert names(requests.get(f"{app.base_url}/api/message_groups", headers=londo, timeout=TIMEOUT)) == {
            ("Gakar", "Citizen Gakar")}

    admin = form_session(second.base_url, "/admin/login/", {"username": "fleetstaff", "password": PASSWORD,
                                                             "next": "/admin/"})
    found = admin.get(f"{second.base_url}/admin/users/user/", params={"q": "gakar@"}, timeout=TIMEOUT).text
    [change_path] = set(re.findall(r'href="(/admin/users/user/\d+/change/)[^"]*"', found))
    form = admin.get(f"{second.base_url}{change_path}", timeout=TIMEOUT)
    try:
        saved = admin.post(f"{second.base_url}{change_path}", data={
            "handle": "Gakar2", "display_name": "Ambassador Gakar", "email": "gakar@cruddur.example", "bio": "",
            "cognito_user_id": "", "is_active": "on", "csrfmiddlewaretoken": admin.cookies["csrftoken"],
        }, headers={"Referer": form.url}, allow_redirects=False, timeout=TIMEOUT)
        assert saved.status_code == 302, saved.text[:2000]

        for app in (first, second):
            assert names(requests.get(f"{app.base_url}/api/message_groups", headers=londo, timeout=TIMEOUT)) == {
                ("Gakar2", "Ambassador Gakar")}
            messages = requests.get(f"{app.base_url}/api/messages/{group}", headers=gakar, timeout=TIMEOUT)
            assert messages.status_code == 200
            assert [(m["handle"], m["display_name"]) for m in messages.json()] == [
                ("londo", "Londo Mollari"), ("Gakar2", "Ambassador Gakar")]
        gakar_list = requests.get(f"{first.base_url}/api/message_groups", headers=gakar, timeout=TIMEOUT)
        assert names(gakar_list) == {("londo", "Londo Mollari")}
        page = form_session(first.base_url, "/login", {"username": "londo", "password": PASSWORD})
        listing = page.get(f"{first.base_url}/messages", timeout=TIMEOUT).text
        assert '<span class="handle">@Gakar2</span>' in listing and "Citizen Gakar" not in listing
        conversation = page.get(f"{second.base_url}/messages/{group}", timeout=TIMEOUT, cookies=page.cookies).text
        assert "Ambassador Gakar" in conversation
    finally:  # the instances' users are shared by the whole fleet suite
        save_user(env, "Gakar2", handle="Gakar", display_name="Citizen Gakar")
