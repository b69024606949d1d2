"""Java archives and unpacked pom.properties; hostile archives stay bounded."""

from __future__ import annotations

import dataclasses
import io
import os
import zipfile

import pytest

from imagetailor.analysis import analyze, layerscan
from imagetailor.analysis.analyzers import jar, registry
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.helpers import run
from tests.analysis.analyzers.samples import jar as make_jar
from tests.analysis.analyzers.samples import pom_properties
from tests.imagefactory import File, ImageSpec, LayerSpec, memory_image

ARCHIVE = jar.ANALYZERS[0]
UNPACKED = jar.ANALYZERS[1]


def warned(path: str, data: bytes) -> list[str]:
    context = Context()
    assert run(ARCHIVE, path, data, context) == []
    return context.warnings


def test_plain_jar() -> None:
    data = make_jar([("org.slf4j", "slf4j-api", "2.0.9")])
    assert run(ARCHIVE, "usr/share/java/slf4j-api.jar", data) == [
        ("slf4j-api", "2.0.9", "maven", "pkg:maven/org.slf4j/slf4j-api@2.0.9")
    ]


def test_a_jar_without_metadata_is_named_by_its_file() -> None:
    assert run(ARCHIVE, "usr/share/java/commons-io-2.11.0.jar", make_jar([])) == [
        ("commons-io", "2.11.0", "maven", "pkg:maven/commons-io/commons-io@2.11.0")
    ]
    assert run(ARCHIVE, "usr/share/java/gettext.jar", make_jar([])) == [
        ("gettext", "", "maven", "pkg:maven/gettext/gettext")  # syft's version UNKNOWN
    ]


def manifest_jar(manifest: str, poms: list[tuple[str, str, str]] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", manifest)
        for group, artifact, version in poms or []:
            props = pom_properties(group, artifact, version)
            archive.writestr(f"META-INF/maven/{group}/{artifact}/pom.properties", props)
    return out.getvalue()


def test_the_archive_itself_as_syft_names_it_from_the_manifest() -> None:
    """Cases from Debian's /usr/share/java, where syft and we agree on all 96 packages of 71
    jars: the group from Bundle-SymbolicName (cut at ';', before Automatic-Module-Name), from
    Main-Class, or the artifact; the version from the file name, else Implementation-Version."""
    guice = (
        "Manifest-Version: 1.0\r\nAutomatic-Module-Name: com.google.guice\r\n"
        "Bundle-Vendor: Google, Inc.\r\n"
        "Bundle-SymbolicName: com.google.inj\r\n ect;singleton:=true\r\n"
        "Bundle-Version: 4.2.3\r\n\r\nName: x\r\nGroup-Id: org.other\r\n"
    )
    assert run(ARCHIVE, "usr/share/java/guice-no-aop-4.2.3.jar", manifest_jar(guice)) == [
        ("guice-no-aop", "4.2.3", "maven", "pkg:maven/com.google.inject/guice-no-aop@4.2.3")
    ]
    artifact = (
        "Specification-Title: Maven Artifact\nSpecification-Version: 3.8\n"
        "Implementation-Title: Maven Artifact\nImplementation-Version: 3.8.7\n"
        "Main-Class: org.apache.maven.artifact.versioning.ComparableVersion\n"
    )
    assert run(ARCHIVE, "usr/share/java/maven3-artifact.jar", manifest_jar(artifact)) == [
        ("maven3-artifact", "3.8.7", "maven",
         "pkg:maven/org.apache.maven.artifact.versioning.ComparableVersion/maven3-artifact@3.8.7"),
    ]  # fmt: skip


def test_a_pom_naming_another_artifact_adds_the_archive_itself() -> None:
    core = manifest_jar(
        "Implementation-Version: 3.8.7\n", [("org.apache.maven", "maven-core", "3.8.7")]
    )
    assert [row[3] for row in run(ARCHIVE, "usr/share/java/maven3-core.jar", core)] == [
        "pkg:maven/org.apache.maven/maven-core@3.8.7",
        "pkg:maven/maven3-core/maven3-core@3.8.7",
    ]
    # ... but not when the names are near enough (Debian's renamed geronimo specs)
    spec = manifest_jar("", [("org.apache.geronimo.specs", "geronimo-annotation_1.3_spec", "1.3")])
    assert [row[0] for row in run(ARCHIVE, "j/geronimo-annotation-1.3-spec.jar", spec)] == [
        "geronimo-annotation_1.3_spec"
    ]


def test_spring_boot_fat_jar_and_a_war() -> None:
    inner = make_jar([("com.fasterxml.jackson.core", "jackson-core", "2.15.2")])
    deeper = make_jar(
        [("a", "level-two", "1")],
        nested={"lib/level-three.jar": make_jar([("a", "level-three", "1")])},
    )
    boot = make_jar(
        [("com.example", "demo", "0.0.1")],
        nested={"BOOT-INF/lib/jackson-core-2.15.2.jar": inner, "BOOT-INF/lib/deeper.jar": deeper},
    )
    # depth 0 the boot jar, 1 its libraries, 2 a library's own nested jar; deeper is not read
    # the boot jar's pom names "demo", not "app": syft (and we) add the archive itself
    assert {row[0] for row in run(ARCHIVE, "app/app.jar", boot)} == {
        "app", "demo", "jackson-core", "deeper", "level-two", "level-three",
    }  # fmt: skip
    war = make_jar([], nested={"WEB-INF/lib/jackson-core-2.15.2.jar": inner})
    assert run(ARCHIVE, "usr/local/tomcat/webapps/ROOT.war", war) == [
        ("jackson-core", "2.15.2", "maven",
         "pkg:maven/com.fasterxml.jackson.core/jackson-core@2.15.2"),
        ("ROOT", "", "maven", "pkg:maven/ROOT/ROOT"),
    ]  # fmt: skip


def test_depth_is_bounded() -> None:
    archive = make_jar([("g", "d3", "1")])
    for depth in (2, 1, 0):
        archive = make_jar([("g", f"d{depth}", "1")], nested={f"lib/d{depth + 1}.jar": archive})
    assert sorted(row[0] for row in run(ARCHIVE, "d0.jar", archive)) == ["d0", "d1", "d2"]


def test_the_same_package_twice_is_listed_once() -> None:
    data = make_jar(
        [("g", "a", "1")],
        extra={"x/META-INF/maven/g/a/pom.properties": pom_properties("g", "a", "1")},
    )
    assert len(run(ARCHIVE, "a.jar", data)) == 1


def test_unpacked_pom_properties() -> None:
    path = "usr/local/tomcat/webapps/app/META-INF/maven/org.example/app/pom.properties"
    assert REGISTRY.wanted_bytes(path) == jar.MAX_PROPERTIES_BYTES
    assert run(UNPACKED, path, pom_properties("org.example", "app", "1.2")) == [
        ("app", "1.2", "maven", "pkg:maven/org.example/app@1.2")
    ]
    assert run(UNPACKED, path, "garbage\n") == []


def test_truncated_and_non_zip_archives_warn() -> None:
    data = make_jar([("g", "a", "1")])
    assert warned("a.jar", data[: len(data) // 2])[0].startswith(
        "/a.jar: not a readable zip archive"
    )
    assert warned("b.jar", b"PK\x03\x04" + bytes(100))[0].startswith("/b.jar: not a readable")


def test_archives_over_the_bound_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_jar([("g", "a", "1")])
    kept = REGISTRY.reduce("a.jar", data[:100], len(data))  # what a cut-short read gives
    context = Context()
    assert list(ARCHIVE.collect("a.jar", kept, context)) == []
    assert context.warnings == [
        "/a.jar: larger than 128 MiB, not read; its packages are not listed"
    ]


def test_zip_bomb_stops_at_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A nested 'jar' that inflates past the bound is not inflated; one whose headers lie
    about its size is read no further than they claim (and then fails its CRC): either way
    the archive's other packages are still listed."""
    monkeypatch.setattr(jar, "MAX_NESTED_BYTES", 1 << 20)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/maven/g/a/pom.properties", pom_properties("g", "a", "1"))
        archive.writestr("BOOT-INF/lib/bomb.jar", bytes((1 << 20) + 1))
        archive.writestr("BOOT-INF/lib/liar.jar", bytes(8 << 20))
    data = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = -1
        for _ in range(3):  # the third member's headers: claim 100 bytes instead of 8 MiB
            at = data.index(signature, at + 1)
        data[at + offset : at + offset + 4] = (100).to_bytes(4, "little")
    assert len(data) < 64 << 10
    assert run(ARCHIVE, "a.jar", bytes(data)) == [("a", "1", "maven", "pkg:maven/g/a@1")]


def test_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jar, "MAX_ENTRIES", 3)
    data = make_jar([("g", "a", "1"), ("g", "b", "1"), ("g", "c", "1")])
    assert warned("a.jar", data) == [
        "/a.jar: not a readable zip archive (more than 3 entries); its packages are not listed"
    ]


def test_paths() -> None:
    for path in ("a.jar", "opt/x.war", "opt/y.ear"):
        assert REGISTRY.wanted_bytes(path) == jar.MAX_ARCHIVE_BYTES
    assert REGISTRY.wanted_bytes("opt/x.jar.sha1") == 0
    assert REGISTRY.wanted_bytes("META-INF/maven/pom.properties") == 0


def test_an_archive_over_the_bound_is_not_read_in_the_layer_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not read at all (not MAX_ARCHIVE_BYTES of it, then thrown away): one warning."""
    small = dataclasses.replace(ARCHIVE, wants=dataclasses.replace(ARCHIVE.wants, max_bytes=1024))
    analyzers = tuple(small if a is ARCHIVE else a for a in registry.ANALYZERS)
    monkeypatch.setattr(layerscan, "REGISTRY", registry.Registry(analyzers, registry.READS))
    big = make_jar([("g", "a", "1")], extra={"filler.bin": os.urandom(4096)})
    spec = ImageSpec(
        [LayerSpec([File("opt/big.jar", big), File("opt/ok.jar", make_jar([("g", "b", "2")]))])]
    )
    result = analyze(memory_image(spec))
    assert [p.name for p in result.packages] == ["b", "ok"]
    assert result.warnings == [
        "/opt/big.jar: larger than 128 MiB, not read; its packages are not listed"
    ]
