import pytest

from linkbox import create_app


@pytest.fixture
def client():
    app = create_app({"TESTING": True, "LINKS": ["https://a.example/"]})
    return app.test_client()
