#!/usr/bin/env python3
"""Summarise sales per region from a CSV file (standard library only).

Usage: python report.py [path/to/sales.csv]
"""

import csv
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

DEFAULT = Path(__file__).with_name("data") / "sales.csv"


def summarise(rows):
    totals = defaultdict(Decimal)
    for row in rows:
        totals[row["region"]] += Decimal(row["amount"])
    return dict(sorted(totals.items()))


def main(argv):
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    with path.open(newline="", encoding="utf-8") as fh:
        totals = summarise(csv.DictReader(fh))
    for region, total in totals.items():
        print(f"{region:<8}{total:>10}")
    print(f"{'TOTAL':<8}{sum(totals.values()):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
