"""The shared layout: landmarks, navigation, own stylesheet and script, no outside resources."""
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_have_landmarks_skip_link_and_current_page(andrew_client):
    html = andrew_client.get("/people").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<header class="site-header">' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<main id="main"' in html
    assert '<a href="/people" aria-current="page">Find people</a>' in html
    assert '<html lang="en">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_only_the_apps_own_static_files_are_loaded(client):
    html = client.get("/login").content.decode()
    sources = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
    assert sources == ["/static/cruddur.css", "/static/messages.js", "/static/blocks.js"]
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), f"{source} is not one of the app's static files"
