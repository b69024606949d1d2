import unittest
from io import BytesIO
from wsgiref.util import setup_testing_defaults

from hello import app


def get(path):
    env = {}
    setup_testing_defaults(env)
    env.update(PATH_INFO=path, REQUEST_METHOD="GET", **{"wsgi.input": BytesIO()})
    status = {}
    body = b"".join(app(env, lambda s, h, e=None: status.setdefault("s", s)))
    return status["s"], body.decode()


class HelloTests(unittest.TestCase):
    def test_index_json(self):
        status, body = get("/")
        self.assertEqual(status, "200 OK")
        self.assertIn('"site": "hashed-reqs"', body)

    def test_hello_escapes(self):
        self.assertIn("&lt;i&gt;", get("/hello/<i>")[1])


if __name__ == "__main__":
    unittest.main()
