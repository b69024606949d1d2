"""Every file-based transport reads the factory's images exactly: digests, diff_ids, contents."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.image import open_image
from tests.image.helpers import layer_names, read_all_layers, write_multi_platform_layout
from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
    build,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)


def three_layer_spec(compressions: tuple[str, str, str] = ("gzip", "zstd", "none")) -> ImageSpec:
    return ImageSpec(
        [
            LayerSpec(
                [Dir("etc"), File("etc/a", "hello"), File("etc/b", b"\x00" * 70000)],
                "ADD rootfs /",
                compressions[0],
            ),
            LayerSpec(
                [Dir("app"), File("app/run", "#!/bin/sh\n", mode=0o755), Whiteout("etc/a")],
                "COPY app /app",
                compressions[1],
            ),
            LayerSpec(
                [Symlink("app/link", "run"), Hardlink("app/hard", "app/run"), Opaque("etc")],
                "RUN link",
                compressions[2],
            ),
        ],
        user="10001",
        entrypoint=["/app/run"],
    )


EXPECTED_NAMES = [
    ["etc", "etc/a", "etc/b"],
    ["app", "app/run", "etc/.wh.a"],
    ["app/link", "app/hard", "etc/.wh..wh..opq"],
]


def write(kind: str, spec: ImageSpec, tmp_path: Path) -> tuple[str, object]:
    if kind == "docker-archive":
        path = tmp_path / "classic.tar"
        return f"docker-archive:{path}", write_docker_archive(spec, path)
    if kind == "docker-archive-oci":
        path = tmp_path / "oci-based.tar"
        return f"docker-archive:{path}", write_docker_archive(spec, path, oci_based=True)
    if kind == "oci":
        path = tmp_path / "layout"
        return f"oci:{path}:v1", write_oci_layout(spec, path, ref="v1")
    path = tmp_path / "image.oci.tar"
    return f"oci-archive:{path}:v1", write_oci_archive(spec, path, ref="v1")


KINDS = ["docker-archive", "docker-archive-oci", "oci", "oci-archive"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "compressions", [("gzip", "zstd", "none"), ("none", "none", "none"), ("zstd", "gzip", "gzip")]
)
def test_every_transport_reads_the_image_exactly(
    kind: str, compressions: tuple[str, str, str], tmp_path: Path
) -> None:
    reference, built = write(kind, three_layer_spec(compressions), tmp_path)
    with open_image(reference) as image:
        assert image.reference == reference
        assert image.config_digest == built.config_digest  # type: ignore[attr-defined]
        assert image.config["config"]["User"] == "10001"
        assert [layer.diff_id for layer in image.layers] == [
            layer.diff_id
            for layer in built.layers  # type: ignore[attr-defined]
        ]
        assert [layer_names(layer) for layer in image.layers] == EXPECTED_NAMES
        # The bytes read are the uncompressed tars, whatever the stored compression.
        assert read_all_layers(image) == [lay.diff_id for lay in built.layers]  # type: ignore[attr-defined]
        if kind == "docker-archive":
            assert image.manifest_digest is None
        else:
            assert image.manifest_digest == built.manifest_digest  # type: ignore[attr-defined]
            assert [layer.descriptor.digest for layer in image.layers] == [
                lay.digest
                for lay in built.layers  # type: ignore[attr-defined]
            ]


@pytest.mark.parametrize("kind", KINDS)
def test_bare_paths_are_detected(kind: str, tmp_path: Path) -> None:
    reference, built = write(kind, three_layer_spec(), tmp_path)
    bare = reference.split(":", 1)[1].removesuffix(":v1")
    with open_image(bare) as image:
        assert image.config_digest == built.config_digest  # type: ignore[attr-defined]


def test_layer_history_pairs_layers_with_their_instructions(tmp_path: Path) -> None:
    spec = three_layer_spec()
    spec.empty_history = [(1, "ENV A=1"), (3, 'CMD ["run"]')]
    write_oci_layout(spec, tmp_path / "layout")
    with open_image(f"oci:{tmp_path / 'layout'}") as image:
        pairs = [(h or {}).get("created_by") for _, h in image.layer_history()]
    assert pairs == ["ADD rootfs /", "COPY app /app", "RUN link"]


def test_docker_archive_with_two_images_selects_by_name_or_index(tmp_path: Path) -> None:
    first = build(three_layer_spec())
    second = build(ImageSpec([LayerSpec([File("only", "2")])]))
    path = tmp_path / "two.tar"
    write_docker_archive(first, path, tag="example.com/one:1")
    # A second archive's entries merged into the first: docker save of two images.
    other = tmp_path / "other.tar"
    write_docker_archive(second, other, tag="two:2")
    _merge_docker_archives(path, other)
    with open_image(f"docker-archive:{path}:two:2") as image:
        assert image.config_digest == second.config_digest
    with open_image(f"docker-archive:{path}:docker.io/library/two:2") as image:
        assert image.config_digest == second.config_digest
    with open_image(f"docker-archive:{path}:@0") as image:
        assert image.config_digest == first.config_digest
    with pytest.raises(UsageError, match="holds 2 images"):
        open_image(f"docker-archive:{path}")
    with pytest.raises(UsageError, match="no @5"):
        open_image(f"docker-archive:{path}:@5")
    with pytest.raises(UsageError, match="no image tagged 'three:3'"):
        open_image(f"docker-archive:{path}:three:3")


def _merge_docker_archives(target: Path, other: Path) -> None:
    import io
    import tarfile

    with tarfile.open(target) as tar:
        members = [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar]  # type: ignore[union-attr]
    with tarfile.open(other) as tar:
        extra = [(m, tar.extractfile(m).read() if m.isreg() else None) for m in tar]  # type: ignore[union-attr]
    manifests = next(json.loads(data or b"") for m, data in members if m.name == "manifest.json")
    manifests += next(json.loads(data or b"") for m, data in extra if m.name == "manifest.json")
    merged = json.dumps(manifests).encode()
    with tarfile.open(target, "w") as tar:
        for member, data in members + extra:
            if member.name in ("manifest.json", "repositories"):
                continue
            tar.addfile(member, io.BytesIO(data) if data is not None else None)
        info = tarfile.TarInfo("manifest.json")
        info.size = len(merged)
        tar.addfile(info, io.BytesIO(merged))


AMD64 = {"os": "linux", "architecture": "amd64"}
ARM64 = {"os": "linux", "architecture": "arm64", "variant": "v8"}


def _two_platform_layout(tmp_path: Path) -> tuple[Path, list[object]]:
    amd = ImageSpec([LayerSpec([File("arch", "amd64")], compression="gzip")])
    arm = ImageSpec([LayerSpec([File("arch", "arm64")], compression="zstd")], architecture="arm64")
    directory = tmp_path / "multi"
    built = write_multi_platform_layout([(AMD64, amd), (ARM64, arm)], directory, ref="1.0")
    return directory, list(built)


def test_multi_platform_index_resolves_with_platform(tmp_path: Path) -> None:
    directory, built = _two_platform_layout(tmp_path)
    with open_image(f"oci:{directory}:1.0", platform="linux/arm64") as image:
        assert image.config_digest == built[1].config_digest  # type: ignore[attr-defined]
        assert image.manifest_digest == built[1].manifest_digest  # type: ignore[attr-defined]
        assert image.config["architecture"] == "arm64"
    with open_image(f"oci:{directory}:1.0", platform="linux/arm64/v8") as image:
        assert image.config_digest == built[1].config_digest  # type: ignore[attr-defined]
    with open_image(f"oci:{directory}:1.0", platform="linux/amd64") as image:
        assert image.config_digest == built[0].config_digest  # type: ignore[attr-defined]


def test_multi_platform_default_is_the_host_platform(tmp_path: Path) -> None:
    import platform as host

    directory, built = _two_platform_layout(tmp_path)
    expected = {"x86_64": 0, "aarch64": 1}[host.machine()]
    with open_image(f"oci:{directory}") as image:
        assert image.config_digest == built[expected].config_digest  # type: ignore[attr-defined]


def test_platform_not_in_index_is_a_usage_error_listing_what_is(tmp_path: Path) -> None:
    directory, _ = _two_platform_layout(tmp_path)
    with pytest.raises(UsageError) as caught:
        open_image(f"oci:{directory}", platform="linux/s390x")
    assert "available: linux/amd64, linux/arm64/v8" in str(caught.value)
    with pytest.raises(UsageError, match="os/arch"):
        open_image(f"oci:{directory}", platform="amd64")


def test_explicit_platform_mismatch_on_single_image_is_refused(tmp_path: Path) -> None:
    write_oci_layout(three_layer_spec(), tmp_path / "layout")
    with pytest.raises(UsageError, match="is an image for linux/amd64, not linux/arm64"):
        open_image(f"oci:{tmp_path / 'layout'}", platform="linux/arm64")


def test_unknown_ref_in_layout_names_the_refs_it_has(tmp_path: Path) -> None:
    write_oci_layout(three_layer_spec(), tmp_path / "layout", ref="v1")
    with pytest.raises(UsageError, match=r"no image named 'v2' \(it has: v1\)"):
        open_image(f"oci:{tmp_path / 'layout'}:v2")


def test_layer_stream_is_not_materialised(tmp_path: Path) -> None:
    # A 64 MiB layer of zeros reads in small chunks: the stream never hands over more than asked.
    big = ImageSpec([LayerSpec([File("zeros", b"\x00" * (64 * 1024 * 1024))], compression="gzip")])
    path = tmp_path / "big.tar"
    built = write_oci_archive(big, path)
    with open_image(f"oci-archive:{path}") as image, image.layers[0].open() as stream:
        digest = hashlib.sha256()
        while chunk := stream.read(65536):
            assert len(chunk) <= 65536
            digest.update(chunk)
    assert "sha256:" + digest.hexdigest() == built.layers[0].diff_id
