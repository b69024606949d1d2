"""tailor build runs the ci image's CMD once, with no network: failing tests make the ci image
unfit (exit 1) and are shown; --no-run-ci skips the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.examples.conftest import run_offline_bases

pytestmark = pytest.mark.engine


def tailor(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TAILOR_BASE_MAP": str(run_offline_bases().map_path)}
    return subprocess.run(
        [sys.executable, "-m", "imagetailor.cli.main", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip


def test_failing_tests_make_the_ci_image_unfit(engine: str, tmp_path: Path) -> None:
    root = tmp_path / "failing-tests"
    (root / "tests").mkdir(parents=True)
    (root / "main.py").write_text(
        "def add(a, b):\n    return a - b\n\nif __name__ == '__main__':\n    print(add(1, 2))\n"
    )
    (root / "tests" / "test_main.py").write_text(
        "import unittest\nfrom main import add\n\n"
        "class T(unittest.TestCase):\n"
        "    def test_add(self):\n"
        "        self.assertEqual(add(1, 2), 3)\n"
    )
    assert tailor(root, "init", "--yes").returncode == 0
    assert tailor(root, "generate").returncode == 0
    done = tailor(root, "build", "ci", "--format", "json")
    assert done.returncode == 1, done.stderr[-2000:]
    (result,) = json.loads(done.stdout)
    assert result["ci_run"]["passed"] is False and result["fit"] is False
    assert "AssertionError: -1 != 3" in result["ci_run"]["output_tail"]
    assert "TESTS FAIL" not in done.stderr and "FAILED (exit 1)" in done.stderr
    skipped = tailor(root, "build", "ci", "--no-run-ci", "--format", "json")
    assert skipped.returncode == 0, skipped.stderr[-2000:]
    assert json.loads(skipped.stdout)[0]["ci_run"] is None
