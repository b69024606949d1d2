import json
from wsgiref.util import setup_testing_defaults

from inventory import app


def call(path):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    environ["PATH_INFO"] = path
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    body = b"".join(app(environ, start_response))
    return seen["status"], json.loads(body)


def test_list():
    assert call("/") == ("200 OK", {"items": {"apples": 12, "pears": 4}})


def test_one_item():
    assert call("/items/pears") == ("200 OK", {"pears": 4})


def test_missing_item():
    assert call("/items/plums")[0] == "404 Not Found"
