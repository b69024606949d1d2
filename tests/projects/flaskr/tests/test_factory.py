from flaskr import create_app


def test_config():
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_hello(client):
    assert client.get("/hello").data == b"Hello, World!"


def test_index_lists_posts(client):
    res = client.get("/")
    assert b"Test blog" in res.data
    assert b"First post" in res.data
