import pytest

from app import app


@pytest.fixture
def client():
    app.config.update(TESTING=True)
    return app.test_client()


def test_index_shows_greeting(client):
    res = client.get("/")
    assert res.status_code == 200
    assert b"Hello from flask-single" in res.data


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_add(client):
    assert client.get("/add/2/3").get_json() == {"result": 5}
