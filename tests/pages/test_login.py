"""Logging in and out, and pages that need a logged-in user."""
import pytest
from django.test import Client

from tests.support.users import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_has_labelled_fields(client):
    response = client.get("/login")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Handle or email</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize("identifier", ["andrewbrown", "@AndrewBrown", "ANDREW@example.com"])
def test_login_with_handle_or_email_goes_to_messages(app_ddb, client, andrew, identifier):
    response = client.post("/login", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/messages"
    assert client.get("/messages").status_code == 200


def test_wrong_password_says_so_and_keeps_the_handle(app_ddb, client, andrew):
    response = client.post("/login", {"username": "andrewbrown", "password": "not-the-password"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "do not match" in html
    assert 'value="andrewbrown"' in html
    assert client.get("/messages").status_code == 302


def test_login_returns_to_the_page_asked_for(client, andrew):
    asked = "/messages/new/bayko"
    login_page = client.get(asked)
    assert login_page.status_code == 302
    assert login_page["Location"] == f"/login?next={asked}"

    form = client.get(login_page["Location"]).content.decode()
    assert f'name="next" value="{asked}"' in form
    response = client.post("/login", {"username": "andrewbrown", "password": PASSWORD, "next": asked})
    assert response["Location"] == asked


def test_login_does_not_redirect_off_site(client, andrew):
    response = client.post("/login", {"username": "andrewbrown", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/messages"


@pytest.mark.parametrize(
    "path",
    ["/messages", "/messages/0b9f2b0e-6f4d-4d86-9a51-2d6f3c1d1b7e", "/messages/new/bayko", "/people"],
)
def test_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_logged_in_user_skips_the_login_page(andrew_client):
    response = andrew_client.get("/login")
    assert response.status_code == 302
    assert response["Location"] == "/messages"


def test_logout_is_a_post_form_and_ends_the_session(andrew_client, app_ddb):
    page = andrew_client.get("/messages").content.decode()
    assert '<form class="logout-form" method="post" action="/logout">' in page
    assert andrew_client.get("/logout").status_code == 405

    response = andrew_client.post("/logout")
    assert response.status_code == 302
    assert response["Location"] == "/login"
    assert andrew_client.get("/messages").status_code == 302


def test_site_root_goes_to_messages(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/messages"


def test_forms_are_protected_by_csrf(andrew, app_ddb):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(andrew)
    assert strict.post("/messages/new/andrewbrown", {"message": "no token"}).status_code == 403
    assert strict.post("/logout").status_code == 403
