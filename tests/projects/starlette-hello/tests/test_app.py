from starlette.testclient import TestClient

from app import app

client = TestClient(app)


def test_homepage():
    assert client.get("/").text == "Hello, world"


def test_greet():
    assert client.get("/hello/ada").json() == {"message": "Hello, ada"}


def test_healthz():
    assert client.get("/healthz").json() == {"status": "ok"}


def test_unknown_route():
    assert client.get("/nope").status_code == 404
