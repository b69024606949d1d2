import os
import tempfile
import unittest

from app import create_app
from app.db import upgrade
from config import Config


class MicroblogTestCase(unittest.TestCase):
    def setUp(self):
        fd, self.db_path = tempfile.mkstemp(suffix=".db")
        os.close(fd)

        class TestConfig(Config):
            TESTING = True
            DATABASE_PATH = self.db_path

        self.app = create_app(TestConfig)
        with self.app.app_context():
            upgrade()
        self.client = self.app.test_client()

    def tearDown(self):
        os.remove(self.db_path)

    def test_empty_index(self):
        self.assertIn(b"Nothing posted yet.", self.client.get("/").data)

    def test_post_then_list(self):
        res = self.client.post("/", data={"body": "hello there"}, follow_redirects=True)
        self.assertIn(b"hello there", res.data)

    def test_healthz(self):
        self.assertEqual(self.client.get("/healthz").get_json(), {"status": "ok"})


if __name__ == "__main__":
    unittest.main(verbosity=2)
