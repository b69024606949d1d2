import pytest

from flaskr import create_app


@pytest.fixture
def app(tmp_path):
    return create_app({"TESTING": True, "BLOG_TITLE": "Test blog"})


@pytest.fixture
def client(app):
    return app.test_client()
