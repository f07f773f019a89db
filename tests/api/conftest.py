"""Fixtures of the API tests that several of its files share."""
import pytest


@pytest.fixture
def openapi(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()
