from litestar.testing import TestClient

from app import app


def test_health():
    with TestClient(app=app) as client:
        r = client.get("/health")
        assert r.status_code == 200
        assert r.json() == {"status": "ok"}


def test_quote():
    with TestClient(app=app) as client:
        assert client.get("/quote", params={"weight": 2}).json()["price"] == 5.0
        assert client.get("/quote", params={"weight": 2, "service": "boat"}).status_code == 400
