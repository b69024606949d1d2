from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_health():
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_items():
    assert client.get("/items/gun").json() == {"name": "Portal Gun", "item_id": "gun"}
    assert client.get("/items/nope").status_code == 404


def test_admin_needs_token():
    assert client.post("/admin/").status_code == 422
    assert client.post("/admin/", headers={"X-Token": "fake-super-secret-token"}).status_code == 200
