from fastapi.testclient import TestClient

from weather.main import app

client = TestClient(app)


def test_index_lists_cities():
    assert client.get("/").json()["cities"] == ["cairo", "lisbon", "oslo"]


def test_known_city():
    assert client.get("/weather/Oslo").json() == {"city": "oslo", "temperature": -3.5}


def test_unknown_city():
    assert client.get("/weather/atlantis").status_code == 404
