"""dpkg's status file and distroless's status.d."""

from __future__ import annotations

from imagetailor.analysis.analyzers import dpkg, statusd
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run
from tests.analysis.analyzers.samples import DPKG_STATUS


def test_installed_paragraphs_only_with_purls() -> None:
    context = Context(distro="debian", distro_version="12")
    assert run(dpkg.ANALYZER, "var/lib/dpkg/status", DPKG_STATUS, context) == [
        ("bash", "5.2.15-2+b2", "dpkg",
         "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12"),
        ("libc6", "2.36-9+deb12u4", "dpkg",
         "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"),
    ]  # fmt: skip


def test_ubuntu_namespace_and_epoch_kept() -> None:
    status = "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13\n"
    context = Context(distro="ubuntu", distro_version="22.04")
    assert run(dpkg.ANALYZER, "var/lib/dpkg/status", status, context) == [
        ("zlib1g", "1:1.2.13", "dpkg", "pkg:deb/ubuntu/zlib1g@1:1.2.13?distro=ubuntu-22.04")
    ]


def test_status_d_needs_no_status_field_and_md5sums_yield_nothing() -> None:
    record = "Package: netbase\nVersion: 6.4\nArchitecture: all\n"
    assert run(statusd.ANALYZER, "var/lib/dpkg/status.d/netbase", record) == [
        ("netbase", "6.4", "dpkg", "pkg:deb/debian/netbase@6.4?arch=all")
    ]
    sums = "0123456789abcdef0123456789abcdef  usr/lib/libz.so.1\n"
    assert run(statusd.ANALYZER, "var/lib/dpkg/status.d/netbase.md5sums", sums) == []


def test_status_without_status_field_is_not_installed() -> None:
    assert run(dpkg.ANALYZER, "var/lib/dpkg/status", "Package: x\nVersion: 1\n") == []


def test_binary_garbage_yields_nothing() -> None:
    assert run(dpkg.ANALYZER, "var/lib/dpkg/status", bytes(range(256)) * 64) == []


def test_only_the_database_paths_are_read() -> None:
    assert REGISTRY.wanted_bytes("var/lib/dpkg/status") == dpkg.MAX_BYTES
    assert REGISTRY.wanted_bytes("var/lib/dpkg/status.d/x") == dpkg.MAX_BYTES
    assert REGISTRY.wanted_bytes("var/lib/dpkg/status-old") == 0
    assert REGISTRY.wanted_bytes("srv/var/lib/dpkg/status") == 0


def test_source_package_in_the_upstream_qualifier_as_syft_writes_it() -> None:
    status = (
        "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\n"
        "Version: 2.36-9+deb12u4\n\n"
        "Package: bash\nStatus: install ok installed\nArchitecture: amd64\n"
        "Source: bash (5.2.37-2)\nVersion: 5.2.37-2+b10\n\n"
        "Package: same\nStatus: install ok installed\nSource: same (1.0)\nVersion: 1.0\n\n"
        "Package: ruby\nStatus: install ok installed\nSource: ruby-defaults (1:3.3)\n"
        "Version: 1:3.3+b1\n"
    )
    context = Context(distro="debian", distro_version="13")
    assert [row[3] for row in run(dpkg.ANALYZER, "var/lib/dpkg/status", status, context)] == [
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-13&upstream=glibc",
        "pkg:deb/debian/bash@5.2.37-2%2Bb10?arch=amd64&distro=debian-13&upstream=bash%405.2.37-2",
        "pkg:deb/debian/same@1.0?distro=debian-13&upstream=same",
        "pkg:deb/debian/ruby@1:3.3%2Bb1?distro=debian-13&upstream=ruby-defaults%401:3.3",
    ]
