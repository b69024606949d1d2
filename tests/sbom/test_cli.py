"""`tailor sbom` and `tailor inspect --sbom` through the real process: stdout or -o FILE, never
over a file without --force, bad references one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import write_docker_archive

TAILOR = [sys.executable, "-m", "imagetailor.cli.main"]


def tailor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TAILOR, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sbom") / "eco.tar"
    write_docker_archive(several_ecosystems(), path)
    return path


def test_sbom_on_stdout_and_in_a_file(archive: Path, tmp_path: Path) -> None:
    shown = tailor("sbom", f"docker-archive:{archive}")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["bomFormat"] == "CycloneDX"
    target = tmp_path / "sbom.spdx.json"
    made = tailor("sbom", str(archive), "--format", "spdx-json", "-o", str(target))
    assert made.returncode == 0 and made.stdout == "", made.stderr
    assert json.loads(target.read_text())["spdxVersion"] == "SPDX-2.3"
    again = tailor("sbom", str(archive), "-o", str(target))
    assert again.returncode == 2 and len(again.stderr.splitlines()) == 1
    assert "--force" in again.stderr
    assert tailor("sbom", str(archive), "-o", str(target), "--force").returncode == 0
    assert json.loads(target.read_text())["bomFormat"] == "CycloneDX"


def test_inspect_writes_the_sbom_beside_its_output(archive: Path, tmp_path: Path) -> None:
    sbom = tmp_path / "app.cdx.json"
    done = tailor("inspect", str(archive), "--format", "json", "--sbom", str(sbom))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["packages"]) == 20
    components = json.loads(sbom.read_text())["components"]
    assert sum(1 for c in components if c["type"] == "library") == 20
    refused = tailor("inspect", str(archive), "--sbom", str(sbom))
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "reference", ["docker-archive:/nonexistent/x.tar", "no::such::ref", "oci:/nonexistent"]
)
def test_bad_references_are_one_line_and_exit_2(reference: str) -> None:
    done = tailor("sbom", reference)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr
