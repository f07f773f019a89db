"""`manage.py cognito list-users | sync-user-ids` against a moto user pool."""
import json
from io import StringIO

import boto3
import pytest
from django.core.management import CommandError, call_command
from moto import mock_aws

from users.models import User
from users.seed import seed_users

pytestmark = pytest.mark.django_db

EXTRA_POOL_USERS = 62  # more than the 60 Cognito returns in one page


@pytest.fixture
def pool(settings):
    with mock_aws():
        client = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = client.create_user_pool(PoolName="cruddur")["UserPool"]["Id"]
        settings.COGNITO_USER_POOL_ID = pool_id
        settings.COGNITO_REGION = "us-east-1"

        def add(username, preferred_username, email=None, email_verified=True):
            client.admin_create_user(
                UserPoolId=pool_id,
                Username=username,
                UserAttributes=[
                    {"Name": "preferred_username", "Value": preferred_username},
                    {"Name": "email", "Value": email or f"{username}@cruddur.example"},
                    {"Name": "email_verified", "Value": "true" if email_verified else "false"},
                    {"Name": "name", "Value": username.title()},
                ],
            )
            attributes = client.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]
            return next(a["Value"] for a in attributes if a["Name"] == "sub")

        yield add


def run(*args):
    out = StringIO()
    call_command("cognito", *args, stdout=out)
    return out.getvalue()


def test_list_users_reads_every_page_of_the_pool(pool):
    subs = {pool(f"member{n:03d}", f"member{n:03d}") for n in range(EXTRA_POOL_USERS)}

    out = run("list-users")

    assert f"{EXTRA_POOL_USERS} users" in out
    assert all(sub in out for sub in subs)
    assert "member061" in out and "preferred_username" in out


def test_list_users_json_has_the_attributes(pool):
    sub = pool("londo-cognito", "londo")

    rows = json.loads(run("--json", "list-users"))

    assert rows == [{
        "username": "londo-cognito", "preferred_username": "londo", "sub": sub,
        "email": "londo-cognito@cruddur.example", "name": "Londo-Cognito", "status": "FORCE_CHANGE_PASSWORD",
    }]


def test_sync_sets_ids_by_handle_case_insensitively_and_reports_each_outcome(pool):
    seed_users()
    # The pool's andrew has the handle but not the row's email: no proof he owns the row.
    andrew_sub = pool("andrew", "AndrewBrown")
    bayko_sub = pool("bayko", "bayko")
    User.objects.filter(handle="bayko").update(cognito_user_id=bayko_sub)
    pool("stranger", "nobody_here")
    # Past the first page, so a match there proves the sync reads every page too.
    for n in range(EXTRA_POOL_USERS):
        pool(f"filler{n:03d}", f"filler{n:03d}")
    gakar_sub = pool("zz-gakar", "gakar", email="gakar@cruddur.example")

    out = run("sync-user-ids")

    assert User.objects.get(handle="andrewbrown").cognito_user_id is None
    assert User.objects.get(handle="Gakar").cognito_user_id == gakar_sub
    assert User.objects.get(handle="bayko").cognito_user_id == bayko_sub
    assert User.objects.get(handle="sean").cognito_user_id is None
    assert f"changed    @Gakar        - -> {gakar_sub}" in out
    assert ("conflict   @AndrewBrown  not linked: @andrewbrown's email is not the pool's verified"
            " andrew@cruddur.example") in out
    assert "unchanged  @bayko" in out
    assert "no match   nobody_here" in out
    assert f"1 changed, 1 unchanged, {EXTRA_POOL_USERS + 1} no match, 1 conflicts" in out

    again = json.loads(run("--json", "sync-user-ids"))

    assert again["changed"] == []
    assert sorted(again["unchanged"]) == ["Gakar", "bayko"]
    assert again["conflicts"] == [{"preferred_username": "AndrewBrown", "sub": andrew_sub, "handle": "andrewbrown",
                                   "reason": "email_not_proven"}]


def test_sync_links_a_row_only_when_the_pool_verified_its_email(pool):
    seed_users()
    pool("sean-cognito", "sean", email="sean@cruddur.example", email_verified=False)
    verified_sub = pool("londo-cognito", "LONDO", email="Londo@Cruddur.example")

    out = run("sync-user-ids")

    assert User.objects.get(handle="sean").cognito_user_id is None
    assert User.objects.get(handle="londo").cognito_user_id == verified_sub
    assert "not linked: @sean's email is not the pool's verified sean@cruddur.example" in out
    assert "1 changed, 0 unchanged, 0 no match, 1 conflicts" in out


def test_sync_never_lets_unicode_case_folding_turn_one_handle_into_another(pool, db_queries):
    # On Postgres `handle__iexact` compares UPPER() of both sides, and UPPER folds long s (U+017F) to S
    # and dotless i (U+0131) to I: `\u017fean` would be @sean. No such text may reach the database.
    seed_users()
    pool("impostor1", "\u017fean", email="sean@cruddur.example")
    pool("impostor2", "\u0131ce", email="ice@cruddur.example")

    with db_queries() as queries:
        out = run("sync-user-ids")

    assert User.objects.filter(cognito_user_id__isnull=False).count() == 0
    assert "0 changed, 0 unchanged, 2 no match, 0 conflicts" in out
    assert queries.non_ascii() == []


def test_sync_never_moves_an_id_that_another_user_holds(pool):
    seed_users()
    sub = pool("londo", "londo")
    User.objects.filter(handle="sean").update(cognito_user_id=sub)

    out = run("sync-user-ids")

    assert User.objects.get(handle="londo").cognito_user_id is None
    assert User.objects.get(handle="sean").cognito_user_id == sub
    assert f"sub {sub} already on @sean" in out
    assert "0 changed, 0 unchanged, 0 no match, 1 conflicts" in out


def test_without_a_pool_the_command_says_what_to_set(settings):
    settings.COGNITO_USER_POOL_ID = None

    with pytest.raises(CommandError, match="AWS_COGNITO_USER_POOL_ID"):
        run("list-users")
