import pytest

from tests.support.users import make_user
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = make_user("staffer", email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def test_staff_lists_users_with_the_design_columns(staff_client):
    make_user("londo", email="londo@example.com", display_name="Londo Mollari",
                             cognito_user_id="sub-londo")
    response = staff_client.get("/admin/users/user/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("londo", "Londo Mollari", "londo@example.com", "sub-londo"):
        assert text in body
    for column in ("column-handle", "column-display_name", "column-email", "column-cognito_user_id",
                   "column-created_at"):
        assert column in body


def test_staff_searches_by_display_name_and_email(staff_client):
    make_user("londo", email="londo@example.com", display_name="Londo Mollari")
    make_user("ice", email="ice@example.com", display_name="Mr Freeze")
    by_name = staff_client.get("/admin/users/user/", {"q": "mollari"}).content.decode()
    assert "londo@example.com" in by_name and "ice@example.com" not in by_name
    by_email = staff_client.get("/admin/users/user/", {"q": "ice@example"}).content.decode()
    assert "ice@example.com" in by_email and "londo@example.com" not in by_email


def test_staff_filters_and_edits_a_user(staff_client):
    user = make_user("ice", email="ice@example.com", display_name="Mr Freeze")
    assert staff_client.get("/admin/users/user/", {"is_staff__exact": "0"}).status_code == 200
    page = staff_client.get(f"/admin/users/user/{user.pk}/change/")
    assert page.status_code == 200
    response = staff_client.post(
        f"/admin/users/user/{user.pk}/change/",
        {"handle": "ice", "display_name": "Victor Fries", "email": "ice@example.com", "bio": "cold",
         "cognito_user_id": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.display_name == "Victor Fries"
    assert user.bio == "cold"


def test_staff_adds_a_user_and_a_bad_handle_is_refused(staff_client):
    ok = staff_client.post("/admin/users/user/add/", {
        "handle": "newbie", "display_name": "New Bie", "email": "newbie@example.com",
        "password1": "a-long-Passphrase-77", "password2": "a-long-Passphrase-77",
    })
    assert ok.status_code == 302
    bad = staff_client.post("/admin/users/user/add/", {
        "handle": "bad handle", "display_name": "Bad", "email": "bad@example.com",
        "password1": "a-long-Passphrase-77", "password2": "a-long-Passphrase-77",
    })
    assert bad.status_code == 200
    assert "must not contain spaces" in bad.content.decode()
    assert not User.objects.filter(email="bad@example.com").exists()


def test_non_staff_user_is_refused(client):
    user = make_user("plain", email="plain@example.com")
    client.force_login(user)
    response = client.get("/admin/users/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_is_sent_to_admin_login(client):
    response = client.get("/admin/users/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
