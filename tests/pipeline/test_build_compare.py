"""tailor build proves the local image it built is its deploy image plus allowed tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pipeline.test_ci_run import tailor

pytestmark = pytest.mark.engine


def test_build_compares_local_with_deploy(engine: str, tmp_path: Path) -> None:
    root = tmp_path / "hello"
    root.mkdir()
    # A script with a main guard: what python detection recognises as a cli program.
    (root / "main.py").write_text(
        'def main():\n    print("hello")\n\n\nif __name__ == "__main__":\n    main()\n'
    )
    done = tailor(root, "init", "--yes")
    assert done.returncode == 0, done.stderr[-2000:]
    assert tailor(root, "generate").returncode == 0
    done = tailor(root, "build", "deploy", "local", "--format", "json")
    results = {r["purpose"]: r for r in json.loads(done.stdout)}
    assert results["deploy"]["compared_with"] is None
    assert results["local"]["compared_with"] == f"docker-daemon:{results['deploy']['tag']}"
    assert not {"TP601", "TP602", "TP603", "TP604"} & set(results["local"]["failed_rules"])
    assert done.returncode == 0, done.stderr[-2000:]
