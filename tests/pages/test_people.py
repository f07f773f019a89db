"""/people: find someone to message by handle or name."""
import re

import pytest

pytestmark = pytest.mark.django_db


def found(html: str) -> list[str]:
    """Handles of the people listed as results."""
    results = re.search(r'<ul class="people-list".*?</ul>', html, re.S)
    return re.findall(r'<span class="handle">@(\w+)</span>', results.group(0)) if results else []


def test_search_form_is_labelled(andrew_client):
    html = andrew_client.get("/people").content.decode()
    assert '<form method="get" action="/people" class="search-form" role="search">' in html
    assert '<label for="id_q">Handle or name</label>' in html
    assert "Search by handle or name" in html
    assert found(html) == []


@pytest.mark.parametrize(
    ("query", "handles"), [("bay", ["bayko"]), ("MOLLARI", ["londo"]), ("andrew", ["andrewbrown", "bayko"])]
)
def test_finds_people_by_handle_or_name(andrew_client, bayko, londo, query, handles):
    html = andrew_client.get("/people", {"q": query}).content.decode()
    assert found(html) == handles


def test_results_link_to_a_new_message_except_for_yourself(andrew_client, bayko):
    html = andrew_client.get("/people", {"q": "andrew"}).content.decode()
    assert '<a class="button button-small" href="/messages/new/bayko"' in html
    assert 'href="/messages/new/andrewbrown"' not in html
    assert "That is you" in html


def test_no_match_says_so(andrew_client):
    html = andrew_client.get("/people", {"q": "zaphod"}).content.decode()
    assert "No one matches “zaphod”." in html


def test_the_query_is_escaped(andrew_client):
    html = andrew_client.get("/people", {"q": "<b>bold</b>"}).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html
