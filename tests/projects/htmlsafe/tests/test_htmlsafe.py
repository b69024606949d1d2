import unittest

from htmlsafe import escape_text
from htmlsafe.cli import main


class EscapeTests(unittest.TestCase):
    def test_escapes_markup(self):
        self.assertEqual(escape_text("<a>"), "&lt;a&gt;")

    def test_escapes_quotes_and_amp(self):
        self.assertEqual(escape_text('"&'), "&#34;&amp;")

    def test_main_returns_zero(self):
        self.assertEqual(main(["x"]), 0)


if __name__ == "__main__":
    unittest.main()
