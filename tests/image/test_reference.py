"""containers-transports(5) references, bare paths and bare names."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.image import parse_reference
from imagetailor.image.reference import parse_name
from tests.imagefactory import (
    File,
    ImageSpec,
    LayerSpec,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("busybox", "docker.io", "library/busybox", "latest", None),
        ("library/busybox:1.36", "docker.io", "library/busybox", "1.36", None),
        ("docker.io/busybox", "docker.io", "library/busybox", "latest", None),
        ("index.docker.io/team/app:v2", "docker.io", "team/app", "v2", None),
        ("team/app", "docker.io", "team/app", "latest", None),
        ("127.0.0.1:5000/app:1", "127.0.0.1:5000", "app", "1", None),
        ("localhost/app", "localhost", "app", "latest", None),
        ("localhost:5000/a/b/c:x_y.z-1", "localhost:5000", "a/b/c", "x_y.z-1", None),
        ("ghcr.io/org/img@sha256:" + "a" * 64, "ghcr.io", "org/img", None, "sha256:" + "a" * 64),
        ("[::1]:5000/app:1", "[::1]:5000", "app", "1", None),
    ],
)
def test_names_are_normalised(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    name = parse_name(text)
    assert (name.registry, name.repository, name.tag, name.digest) == (
        registry,
        repository,
        tag,
        digest,
    )


def test_familiar_form_drops_docker_hub_defaults() -> None:
    assert parse_name("docker.io/library/busybox:1").familiar() == "busybox:1"
    assert parse_name("127.0.0.1:5000/app").familiar() == "127.0.0.1:5000/app:latest"


@pytest.mark.parametrize(
    "text", ["UPPER/case", "a//b", "app:", "app:-tag", "app@sha256:xyz", ":tag", "a b", "Host.IO/x"]
)
def test_malformed_names(text: str) -> None:
    with pytest.raises(UsageError):
        parse_name(text)


def test_registry_references() -> None:
    ref = parse_reference("docker://127.0.0.1:5000/team/app:1")
    assert ref.transport == "docker" and ref.name is not None
    assert (ref.name.registry, ref.name.repository, ref.name.tag) == (
        "127.0.0.1:5000",
        "team/app",
        "1",
    )
    hub = parse_reference("docker://busybox")
    assert hub.name is not None and str(hub.name) == "docker.io/library/busybox:latest"
    with pytest.raises(UsageError, match="docker://HOST/REPO"):
        parse_reference("docker:/x")


def test_docker_prefix_without_slashes_is_an_image_name() -> None:
    ref = parse_reference("docker:27")
    assert ref.transport == "docker-daemon" and ref.name is not None
    assert ref.name.familiar() == "docker:27"


def test_daemon_references() -> None:
    ref = parse_reference("docker-daemon:app:1")
    assert ref.transport == "docker-daemon" and ref.name is not None
    assert ref.name.familiar() == "app:1"
    by_id = parse_reference("docker-daemon:sha256:" + "b" * 64)
    assert by_id.image_id == "sha256:" + "b" * 64
    bare = parse_reference("team/app:2")
    assert bare.transport == "docker-daemon" and bare.name is not None
    assert bare.name.familiar() == "team/app:2"
    with pytest.raises(UsageError):
        parse_reference("docker-daemon:")


def test_archive_and_layout_references(tmp_path: Path) -> None:
    archive = tmp_path / "a:b.tar"  # a colon inside the path itself
    archive.write_bytes(b"")
    ref = parse_reference(f"docker-archive:{archive}:app:1")
    assert (ref.path, ref.ref, ref.index) == (archive, "app:1", None)
    assert ref.name is not None and ref.name.familiar() == "app:1"
    ref = parse_reference(f"docker-archive:{archive}:@2")
    assert (ref.path, ref.index) == (archive, 2)
    ref = parse_reference(f"docker-archive:{archive}")
    assert (ref.path, ref.ref, ref.index) == (archive, None, None)
    with pytest.raises(UsageError, match="index must be a number"):
        parse_reference(f"docker-archive:{archive}:@x")
    ref = parse_reference(f"oci:{tmp_path}:v1.0")
    assert (ref.transport, ref.path, ref.ref) == ("oci", tmp_path, "v1.0")
    ref = parse_reference(f"oci-archive:{archive}")
    assert (ref.transport, ref.path, ref.ref) == ("oci-archive", archive, None)
    ref = parse_reference("oci:/does/not/exist:tag")
    assert (ref.path, ref.ref) == (Path("/does/not/exist"), "tag")


def test_bare_paths_are_recognised_by_content(tmp_path: Path) -> None:
    spec = ImageSpec([LayerSpec([File("a", "1")])])
    write_docker_archive(spec, tmp_path / "save.tar")
    write_docker_archive(spec, tmp_path / "save-oci.tar", oci_based=True)
    write_oci_archive(spec, tmp_path / "image.tar")
    write_oci_layout(spec, tmp_path / "layout")
    assert parse_reference(str(tmp_path / "save.tar")).transport == "docker-archive"
    assert parse_reference(str(tmp_path / "save-oci.tar")).transport == "docker-archive"
    assert parse_reference(str(tmp_path / "image.tar")).transport == "oci-archive"
    assert parse_reference(str(tmp_path / "layout")).transport == "oci"
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="not an OCI layout"):
        parse_reference(str(tmp_path / "empty"))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UsageError, match="not an image archive"):
        parse_reference(str(tmp_path / "notes.txt"))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("./missing.tar", "no such file"),
        ("/nowhere/image.tar", "no such file"),
        ("Bad:Name", "neither an existing path nor an image name"),
        ("s3://bucket/x", "unknown transport"),
        ("NOT A NAME", "neither an existing path nor an image name"),
        ("app\n:1", "control characters"),
    ],
)
def test_malformed_references(text: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        parse_reference(text)
