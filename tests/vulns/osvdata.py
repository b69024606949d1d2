"""Test images with package databases, and OSV records written for their packages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Symlink, write_docker_archive

DEBIAN_OS = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
DPKG_STATUS = """\
Package: libc6
Status: install ok installed
Source: glibc
Version: 2.36-9+deb12u1

Package: bash
Status: install ok installed
Version: 5.2.15-2+b7

Package: libssl3
Status: install ok installed
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2+b1

Package: tzdata
Status: install ok installed
Version: 2024a-0+deb12u1
"""
APT_LAYER = "RUN /bin/sh -c apt-get install -y libssl3 # buildkit"
PIP_LAYER = "RUN /bin/sh -c pip install PyYAML==5.3.1 # buildkit"


def debian_image(path: Path, release: str = "12") -> str:
    os_release = DEBIAN_OS.replace('"12"', f'"{release}"')
    base = LayerSpec(
        [
            Dir("etc"),
            Dir("usr/lib"),
            File("usr/lib/os-release", os_release),
            Symlink("etc/os-release", "../usr/lib/os-release"),
            Dir("var/lib/dpkg"),
            File("var/lib/dpkg/status", DPKG_STATUS),
        ],
        created_by="ADD rootfs.tar / # buildkit",
    )
    apt = LayerSpec([File("var/lib/dpkg/status", DPKG_STATUS)], created_by=APT_LAYER)
    pip = LayerSpec(
        [
            Dir("usr/local/lib/python3.11/site-packages/PyYAML-5.3.1.dist-info"),
            File("usr/local/lib/python3.11/site-packages/PyYAML-5.3.1.dist-info/METADATA", "x"),
            File(
                "app/node_modules/lodash/package.json",
                json.dumps({"name": "lodash", "version": "4.17.20"}),
            ),
        ],
        created_by=PIP_LAYER,
    )
    write_docker_archive(ImageSpec([base, apt, pip], user="10001"), path)
    return f"docker-archive:{path}"


APK_INSTALLED = """\
C:Q1abc=
P:musl
V:1.2.4-r2
o:musl

C:Q1def=
P:libcrypto3
V:3.1.4-r5
o:openssl

C:Q1ghi=
P:ssl_client
V:1.36.1-r15
o:busybox
"""


def alpine_image(path: Path) -> str:
    layer = LayerSpec(
        [
            Dir("etc"),
            File("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n"),
            Dir("lib/apk/db"),
            File("lib/apk/db/installed", APK_INSTALLED),
        ],
        created_by="ADD alpine-minirootfs.tar / # buildkit",
    )
    write_docker_archive(ImageSpec([layer], user="10001"), path)
    return f"docker-archive:{path}"


def record(
    ident: str,
    ecosystem: str,
    name: str,
    events: list[dict[str, str]],
    *,
    kind: str = "ECOSYSTEM",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "schema_version": "1.6.0",
        "id": ident,
        "modified": "2024-01-01T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": kind, "events": events}],
            }
        ],
        **extra,
    }


V3_HIGH = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}]
V3_CRITICAL = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]

RECORDS = [
    # glibc covers libc6 (source package); fixed above the installed version: a match.
    record("DSA-5514-1", "Debian:12", "glibc",
           [{"introduced": "0"}, {"fixed": "2.36-9+deb12u3"}],
           aliases=["CVE-2023-4911"], severity=V3_HIGH),
    # The same package for Debian 11 only: a Debian 12 image must not match.
    record("DLA-0001-1", "Debian:11", "glibc", [{"introduced": "0"}, {"fixed": "9:9"}]),
    # binNMU trap: fixed in +b10, installed +b7 -> affected (a string sort says not).
    record("DEBIAN-CVE-2022-0001", "Debian:12", "bash",
           [{"introduced": "0"}, {"fixed": "5.2.15-2+b10"}],
           database_specific={"severity": "LOW"}),
    # Fixed below the installed version: no match.
    record("DEBIAN-CVE-2022-0002", "Debian:12", "bash",
           [{"introduced": "0"}, {"fixed": "5.2.15-2+b2"}]),
    # openssl by the source name without its version; no fix yet, no severity.
    record("DEBIAN-CVE-2024-0003", "Debian:12", "openssl", [{"introduced": "0"}]),
    # Withdrawn: never a match.
    record("DSA-9999-1", "Debian:12", "tzdata", [{"introduced": "0"}],
           withdrawn="2024-02-01T00:00:00Z"),
    # PEP 503: the record says pyyaml, the dist-info PyYAML.
    record("PYSEC-2021-142", "PyPI", "pyyaml", [{"introduced": "0"}, {"fixed": "5.4"}],
           aliases=["CVE-2020-14343", "GHSA-8q59-q68h-6hv4"], severity=V3_CRITICAL),
    # last_affected below the installed version: no match.
    record("PYSEC-2000-1", "PyPI", "py_yaml", [{"introduced": "0"}, {"last_affected": "5.3"}]),
    # npm, SEMVER range, GitHub's severity word.
    record("GHSA-35jh-r3h4-6jhm", "npm", "lodash",
           [{"introduced": "0"}, {"fixed": "4.17.21"}], kind="SEMVER",
           aliases=["CVE-2021-23337"], database_specific={"severity": "HIGH"}),
    # Alpine: the origin openssl covers libcrypto3; -r5 < -r6.
    record("ALPINE-CVE-2024-0727", "Alpine:v3.19", "openssl",
           [{"introduced": "0"}, {"fixed": "3.1.4-r6"}], aliases=["CVE-2024-0727"],
           severity=[{"type": "CVSS_V3",
                      "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"}]),
    # apk trap: fixed in 1.2.4_rc1, which is OLDER than 1.2.4-r2: no match.
    record("ALPINE-CVE-2020-0001", "Alpine:v3.19", "musl",
           [{"introduced": "0"}, {"fixed": "1.2.4_rc1"}]),
    # Another Alpine release: no match.
    record("ALPINE-CVE-2020-0002", "Alpine:v3.18", "busybox", [{"introduced": "0"}]),
    # A listed version (no range) matches exactly.
    {"id": "OSV-LIST-1", "affected": [{"package": {"ecosystem": "Alpine:v3.19",
     "name": "busybox"}, "versions": ["1.36.1-r15"]}]},
]  # fmt: skip


def write_db(folder: Path, records: list[dict[str, Any]] = RECORDS) -> Path:
    for entry in records:
        sub = folder / entry["affected"][0]["package"]["ecosystem"].split(":")[0]
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{entry['id']}.json").write_text(json.dumps(entry))
    return folder
