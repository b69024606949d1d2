"""Alpine's installed database."""

from __future__ import annotations

from imagetailor.analysis.analyzers import apk
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run

INSTALLED = (
    "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nT:the musl c library\n\n"
    "C:Q1def=\nP:busybox\nV:1.36.1-r5\nA:x86_64\n\n\n"
    "P:no-version\n"
)


def test_records_with_purls() -> None:
    context = Context(distro="alpine", distro_version="3.18.4")
    assert run(apk.ANALYZER, "lib/apk/db/installed", INSTALLED, context) == [
        ("musl", "1.2.4-r2", "apk",
         "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4"),
        ("busybox", "1.36.1-r5", "apk",
         "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4"),
        ("no-version", "", "apk", "pkg:apk/alpine/no-version?distro=alpine-3.18.4"),
    ]  # fmt: skip


def test_origin_is_the_source_and_syfts_upstream_qualifier() -> None:
    installed = (
        "P:musl\nV:1.2.4-r2\no:musl\n\nP:ca-certificates-bundle\nV:20230506-r0\no:ca-certificates\n"
    )
    context = Context(distro="alpine", distro_version="3.18.4")
    found = list(apk.collect("lib/apk/db/installed", installed.encode(), context))
    assert [(f.purl, f.source) for f in found] == [
        ("pkg:apk/alpine/musl@1.2.4-r2?distro=alpine-3.18.4", "musl"),
        ("pkg:apk/alpine/ca-certificates-bundle@20230506-r0?distro=alpine-3.18.4"
         "&upstream=ca-certificates", "ca-certificates"),
    ]  # fmt: skip


def test_garbage_and_paths() -> None:
    assert run(apk.ANALYZER, "lib/apk/db/installed", b"\xff\xfe:P\nV:\n" * 1000) == []
    assert REGISTRY.wanted_bytes("lib/apk/db/installed") == apk.MAX_BYTES
    assert REGISTRY.wanted_bytes("lib/apk/db/scripts.tar") == 0
