import io
import unittest
from contextlib import redirect_stdout
from decimal import Decimal

import report


class SummariseTests(unittest.TestCase):
    def test_sums_per_region(self):
        rows = [{"region": "a", "amount": "1.10"}, {"region": "a", "amount": "2.20"}]
        self.assertEqual(report.summarise(rows), {"a": Decimal("3.30")})

    def test_main_prints_total(self):
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(report.main(["report.py"]), 0)
        self.assertIn("TOTAL       262.25", out.getvalue())


if __name__ == "__main__":
    unittest.main()
