import pytest


def test_health_check(client):
    response = client.get("/api/health-check")
    assert response.status_code == 200
    assert response.json() == {"success": True, "ver": 1}


@pytest.mark.django_db
def test_readiness_names_each_component_its_backend_and_latency(client, app_ddb):
    response = client.get("/api/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert {name: (c["status"], c["backend"], c["required"]) for name, c in body["components"].items()} == {
        "database": ("ok", "sqlite", True) if body["components"]["database"]["backend"] == "sqlite"
        else ("ok", "postgresql", True),
        "cache": ("ok", "local-memory", False),
        "dynamodb": ("ok", "dynamodb", True),
    }
    assert all(c["latency_ms"] >= 0 for c in body["components"].values())


@pytest.mark.django_db
def test_readiness_is_503_when_a_required_component_is_unavailable(client, app_ddb, settings):
    settings.DDB_MESSAGE_TABLE = "no-such-table"
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["components"]["dynamodb"]["status"] == "unavailable"
    assert body["components"]["database"]["status"] == "ok"
