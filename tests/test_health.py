def test_health_check(client):
    response = client.get("/api/health-check")
    assert response.status_code == 200
    assert response.json() == {"success": True, "ver": 1}
