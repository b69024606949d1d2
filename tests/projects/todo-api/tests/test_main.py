from fastapi.testclient import TestClient

from main import TODOS, app

client = TestClient(app)


def setup_function():
    TODOS.clear()


def test_root():
    assert client.get("/").json() == {"service": "todo-api", "count": 0}


def test_create_and_read():
    res = client.post("/todos", json={"title": "write tests"})
    assert res.status_code == 201
    assert client.get(f"/todos/{res.json()['id']}").json() == {
        "title": "write tests",
        "done": False,
    }


def test_missing():
    assert client.get("/todos/99").status_code == 404
