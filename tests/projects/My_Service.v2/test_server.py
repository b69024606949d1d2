import unittest

import server


class RenderTests(unittest.TestCase):
    def test_escapes_service_names(self):
        html = server.render(services=["<queue>"])
        self.assertIn("&lt;queue&gt;", html)

    def test_title(self):
        self.assertIn("<h1>Status</h1>", server.render(title="Status", services=[]))


if __name__ == "__main__":
    unittest.main()
