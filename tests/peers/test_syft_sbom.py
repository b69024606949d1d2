"""Our SBOM's package set beside syft's own SBOM of the same archive, by purl.

syft writes CycloneDX too (``-o cyclonedx-json``): both documents are read the same way. The
differences, each asserted exactly:
- syft's default selection on images leaves out the lock-file catalogers (Gemfile.lock,
  .deps.json): the packages they declare are ours only, unless they are selected
  (``+dotnet-deps-cataloger,+ruby-gemfile-cataloger``, then the sets are equal but for the next).
- dpkg: a removed package whose conffiles remain (curl, "deinstall ok config-files") is not
  installed: syft lists it, we do not.
"""

from __future__ import annotations

import json
from pathlib import Path

from imagetailor.sbom import sbom_document
from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import write_docker_archive
from tests.peers.peers import ours, peer, run_peer, syft

REMOVED = "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12"
LOCKED = {  # Gemfile.lock and WebApp.deps.json
    "pkg:gem/mustermann@3.0.0", "pkg:gem/ruby2_keywords@0.0.5", "pkg:gem/sinatra@3.1.0",
    "pkg:nuget/WebApp@1.0.0", "pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/Serilog@3.1.1",
}  # fmt: skip


def cyclonedx_purls(document: bytes | str) -> set[str]:
    return {c["purl"] for c in json.loads(document).get("components", []) if c.get("purl")}


def syft_sbom(archive: Path, *extra: str) -> set[str]:
    argv = [str(peer("syft")), "scan", f"docker-archive:{archive}", "-o", "cyclonedx-json", "-q"]
    return cyclonedx_purls(run_peer([*argv, *extra]))


def test_sbom_packages_equal_syfts(tmp_path: Path) -> None:
    archive = tmp_path / "ecosystems.tar"
    write_docker_archive(several_ecosystems(), archive)
    mine = cyclonedx_purls(sbom_document(ours(archive), "cyclonedx-json")[0])
    default = syft_sbom(archive)
    assert mine - default == LOCKED, sorted(mine - default)
    assert default - mine == {REMOVED}, sorted(default - mine)
    selected = syft_sbom(
        archive, "--select-catalogers", "+dotnet-deps-cataloger,+ruby-gemfile-cataloger"
    )
    assert selected - {REMOVED} == mine


def test_declared_licences_equal_syfts(tmp_path: Path) -> None:
    """Licences as the records declare them, as sets per package (syft's order differs)."""
    archive = tmp_path / "ecosystems.tar"
    write_docker_archive(several_ecosystems(), archive)
    theirs = {a["purl"]: sorted(x["value"] for x in a.get("licenses") or []) for a in syft(archive)}
    mine = {p.purl: sorted(p.licenses) for p in ours(archive).packages}
    assert {k: v for k, v in mine.items() if k in theirs} == {
        k: v for k, v in theirs.items() if k in mine
    }
    assert sum(1 for v in mine.values() if v) == 8
