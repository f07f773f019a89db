"""CSRF on every form: a POST without the token is 403 and changes nothing; the same POST with the
token the rendered form carries goes through (so the 403 is CSRF's and not something else)."""
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from messaging import services
from tests.support.users import PASSWORD, logged_in
from tests.support.world import World
from users.models import User

PROBE = "csrf probe"


@dataclass
class Form:
    login_as: str | None  # who is logged in when the form is used
    page: Callable[[World], str]  # the page that renders the form
    data: Callable[[World], dict]
    done: Callable[[World, Client], bool]  # whether the POST took effect
    action: Callable[[World], str] | None = None  # where the form posts; None is back to its page

    def target(self, world: World) -> str:
        return (self.action or self.page)(world)



def admin_user_fields(user: User, **changes) -> dict:
    fields = {"handle": user.handle, "display_name": user.display_name, "email": user.email, "bio": "",
              "cognito_user_id": "", "is_active": "on"}
    return {**fields, **changes}


FORMS = {
    "login": Form(
        None, lambda w: "/login",
        lambda w: {"username": "alice", "password": PASSWORD},
        lambda w, c: logged_in(c),
    ),
    "logout": Form(
        "alice", lambda w: "/messages", lambda w: {},
        lambda w, c: not logged_in(c), action=lambda w: "/logout",
    ),
    "send in a conversation": Form(
        "alice", lambda w: f"/messages/{w.group}",
        lambda w: {"message": PROBE},
        lambda w, c: PROBE in w.texts(),
    ),
    "first message to someone": Form(
        "alice", lambda w: "/messages/new/carol",
        lambda w: {"message": PROBE},
        lambda w, c: bool(services.list_message_groups(user=w.carol).items),
    ),
    "admin login": Form(
        None, lambda w: "/admin/login/",
        lambda w: {"username": "staffer", "password": PASSWORD},
        lambda w, c: logged_in(c),
    ),
    "admin logout": Form(
        "staff", lambda w: "/admin/", lambda w: {},
        lambda w, c: not logged_in(c), action=lambda w: "/admin/logout/",
    ),
    "admin edit a user": Form(
        "staff", lambda w: f"/admin/users/user/{w.carol.pk}/change/",
        lambda w: admin_user_fields(w.carol, display_name="Renamed"),
        lambda w, c: User.objects.get(pk=w.carol.pk).display_name == "Renamed",
    ),
    "admin add a user": Form(
        "staff", lambda w: "/admin/users/user/add/",
        lambda w: {"handle": "newbie", "display_name": "New Bie", "email": "newbie@example.org",
                   "password1": "a-long-Passphrase-77", "password2": "a-long-Passphrase-77"},
        lambda w, c: User.objects.filter(handle="newbie").exists(),
    ),
    "admin delete a user": Form(
        "staff", lambda w: f"/admin/users/user/{w.carol.pk}/delete/",
        lambda w: {"post": "yes"},
        lambda w, c: not User.objects.filter(pk=w.carol.pk).exists(),
    ),
    "admin set a user's password": Form(
        "staff", lambda w: f"/admin/users/user/{w.carol.pk}/password/",
        lambda w: {"password1": "another-Passphrase-88", "password2": "another-Passphrase-88"},
        lambda w, c: User.objects.get(pk=w.carol.pk).check_password("another-Passphrase-88"),
    ),
}


def strict_client(world: World, form: Form) -> Client:
    browser = Client(enforce_csrf_checks=True)
    if form.login_as:
        browser.force_login(getattr(world, form.login_as))
    return browser


def rendered_token(browser: Client, path: str) -> str:
    page = browser.get(path)
    assert page.status_code == 200, path
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


@pytest.mark.parametrize("name", FORMS)
def test_post_without_the_token_is_403_and_changes_nothing(world, name):
    form = FORMS[name]
    browser = strict_client(world, form)
    browser.get(form.page(world))  # the CSRF cookie is set; only the form field is missing
    response = browser.post(form.target(world), form.data(world))
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()
    assert not form.done(world, browser)


@pytest.mark.parametrize("name", FORMS)
def test_post_with_the_forms_token_goes_through(world, name):
    form = FORMS[name]
    browser = strict_client(world, form)
    token = rendered_token(browser, form.page(world))
    response = browser.post(form.target(world), {**form.data(world), "csrfmiddlewaretoken": token})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert form.done(world, browser)
