"""Licences as each package's record declares them, read in the same pass (bounded)."""

from __future__ import annotations

from imagetailor.analysis import analyze
from imagetailor.analysis.analyzers import dpkg, jar, python
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import File, ImageSpec, LayerSpec, Symlink, memory_image

EXPECTED = {
    # DEP-5: every License: line, first seen first, then the common-licenses it points to
    "bash": ["GPL-3+", "BSD-4-clause-UC", "GPL-3"],
    "libc6": ["LGPL-2.1"],  # free text: the common-licenses file it points to
    "requests": ["Apache 2.0"],  # a one-line License header, before the classifiers
    "express": ["MIT"],
    "@types/node": ["MIT"],  # the deprecated licenses list
    "monolog/monolog": ["MIT"],
    "rack": ["MIT"],
    "jackson-core": ["https://www.apache.org/licenses/LICENSE-2.0.txt"],  # Bundle-License
}


def test_every_analyzer_that_can_reads_its_licence() -> None:
    packages = analyze(memory_image(several_ecosystems())).packages
    found = {p.name: p.licenses for p in packages if p.licenses}
    assert found == EXPECTED
    # A manifest is its own archive's: app.jar around it and the other jar have none.
    assert {p.name for p in packages if p.manager == "maven" and not p.licenses} == {
        "app", "demo", "slf4j-api",
    }  # fmt: skip


def test_copyright_bounds_and_symlinked_doc_folder() -> None:
    many = "".join(f"Files: f{i}\nLicense: L{i}\n\n" for i in range(100))
    status = (
        "Package: big\nStatus: install ok installed\nVersion: 1\n\n"
        "Package: libbig1\nStatus: install ok installed\nVersion: 1\n"
    )
    spec = ImageSpec(
        [
            LayerSpec(
                [
                    File("var/lib/dpkg/status", status),
                    File("usr/share/doc/big/copyright", many + "License: late\n" * 10_000),
                    Symlink("usr/share/doc/libbig1", "big"),
                ]
            )
        ]
    )
    packages = analyze(memory_image(spec)).packages
    assert [p.licenses for p in packages] == [[f"L{i}" for i in range(dpkg.MAX_LICENSES)]] * 2
    assert REGISTRY.wanted_bytes("usr/share/doc/big/copyright") == dpkg.MAX_COPYRIGHT_BYTES
    assert REGISTRY.wanted_bytes("usr/share/doc/big/sub/copyright") == 0


def test_metadata_prefers_the_expression_and_skips_licence_texts() -> None:
    def names(text: str) -> list[str]:
        reduced = python.metadata_licenses("x.dist-info/METADATA", text.encode(), len(text))
        return reduced.decode().split("\n") if reduced else []

    assert names("Name: a\nLicense: MIT\nLicense-Expression: MIT OR Apache-2.0\n") == [
        "MIT OR Apache-2.0"
    ]
    text = "License: Copyright (c) x\n        Permission is hereby granted\nClassifier: Lic"
    assert names(text + "ense :: OSI Approved :: BSD License\n") == ["BSD License"]
    assert names("License: UNKNOWN\n") == []


def test_bundle_license_lists() -> None:
    value = '"Apache-2.0";link="https://www.apache.org/licenses/LICENSE-2.0", EPL-2.0;x=y'
    assert jar.bundle_licenses(value) == ["Apache-2.0", "EPL-2.0"]
