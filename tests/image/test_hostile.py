"""Hostile image containers and blobs: each refused with one clear line, never a traceback."""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
import zstandard

from imagetailor.errors import BadImageError, DigestMismatchError, TailorError, UsageError
from imagetailor.image import open_image
from tests.image.helpers import (
    blob_file,
    file_info,
    layer_bytes,
    layer_names,
    link_info,
    rehash,
    tar_with,
    with_config,
    with_layer_blob,
    with_manifest,
)
from tests.imagefactory import (
    BuiltImage,
    File,
    ImageSpec,
    LayerSpec,
    build,
    sha256,
    write_docker_archive,
    write_oci_archive,
    write_oci_layout,
)

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB that compresses a little, so streams are multi-chunk


def spec(compression: str = "gzip") -> ImageSpec:
    return ImageSpec([LayerSpec([File("data", PAYLOAD), File("small", "x")], "ADD", compression)])


def refused(
    action: Callable[[], object], error: type[TailorError] = BadImageError, match: str = ""
) -> str:
    """Run ``action``; it must raise ``error`` with a single-line message containing ``match``."""
    with pytest.raises(error) as caught:
        action()
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message and message
    assert match in message, message
    return message


def read_everything(reference: str) -> None:
    with open_image(reference) as image:
        for layer in image.layers:
            layer_names(layer)


def layout(built: BuiltImage, tmp_path: Path) -> str:
    write_oci_layout(built, tmp_path / "layout")
    return f"oci:{tmp_path / 'layout'}"


# --- blob content -------------------------------------------------------------------------


@pytest.mark.parametrize("compression", ["none", "gzip", "zstd"])
def test_layer_whose_bytes_do_not_match_the_manifest_digest(
    compression: str, tmp_path: Path
) -> None:
    built = build(spec(compression))
    reference = layout(built, tmp_path)
    path = blob_file(tmp_path / "layout", built.layers[0].digest)
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01  # same size, one bit different, near the end
    path.write_bytes(bytes(data))
    refused(lambda: read_everything(reference), BadImageError, built.layers[0].digest)


def test_config_that_does_not_match_its_digest(tmp_path: Path) -> None:
    built = build(spec())
    reference = layout(built, tmp_path)
    path = blob_file(tmp_path / "layout", built.config_digest)
    path.write_bytes(path.read_bytes().replace(b"amd64", b"AMD64"))
    refused(lambda: open_image(reference), DigestMismatchError, built.config_digest)


def test_truncated_gzip_with_a_matching_digest(tmp_path: Path) -> None:
    built = build(spec("gzip"))
    blob = built.layers[0].blob
    reference = layout(with_layer_blob(built, 0, blob[: len(blob) // 2]), tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "cannot be decompressed")


def test_corrupt_gzip_with_a_matching_digest(tmp_path: Path) -> None:
    built = build(spec("gzip"))
    blob = bytearray(built.layers[0].blob)
    for offset in range(100, len(blob) - 100, 997):
        blob[offset] ^= 0xFF
    reference = layout(with_layer_blob(built, 0, bytes(blob)), tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "layer")


def test_corrupt_zstd_with_a_matching_digest_fails_its_diff_id(tmp_path: Path) -> None:
    built = build(spec("zstd"))
    blob = bytearray(built.layers[0].blob)
    blob[len(blob) // 2] ^= 0xFF
    reference = layout(with_layer_blob(built, 0, bytes(blob)), tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "layer")


def test_truncated_zstd_with_a_matching_digest_fails_its_diff_id(tmp_path: Path) -> None:
    built = build(spec("zstd"))
    blob = built.layers[0].blob
    reference = layout(with_layer_blob(built, 0, blob[: len(blob) // 2]), tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "layer")


def test_blob_declared_gzip_that_is_not(tmp_path: Path) -> None:
    built = build(spec("none"))
    changed = rehash(
        built,
        layers=[
            {
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": built.layers[0].digest,
                "size": len(built.layers[0].blob),
            }
        ],
    )
    reference = layout(changed, tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "declared gzip but its content")


def test_blob_longer_than_declared_is_cut_one_byte_past_the_declared_size(tmp_path: Path) -> None:
    # The manifest says 100 bytes; the blob is far longer. Reading stops one byte past 100.
    built = build(spec("gzip"))
    changed = rehash(
        built,
        layers=[
            {
                "mediaType": built.layers[0].media_type,
                "digest": built.layers[0].digest,
                "size": 100,
            }
        ],
    )
    reference = layout(changed, tmp_path)
    refused(lambda: read_everything(reference), BadImageError, "longer than its declared 100 bytes")


def test_blob_shorter_than_declared(tmp_path: Path) -> None:
    built = build(spec("gzip"))
    size = len(built.layers[0].blob) + 10
    changed = rehash(
        built,
        layers=[
            {
                "mediaType": built.layers[0].media_type,
                "digest": built.layers[0].digest,
                "size": size,
            }
        ],
    )
    reference = layout(changed, tmp_path)
    refused(lambda: read_everything(reference), BadImageError, f"truncated: {size - 10} of {size}")


def test_reader_that_stops_early_still_verifies_at_exit(tmp_path: Path) -> None:
    built = build(spec("gzip"))
    reference = layout(built, tmp_path)
    path = blob_file(tmp_path / "layout", built.layers[0].digest)
    # Intact image: reading only the first header and leaving is fine (the rest is drained).
    with open_image(reference) as image, image.layers[0].open() as stream:
        assert len(stream.read(512)) == 512
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))

    def stop_early() -> None:
        with open_image(reference) as image, image.layers[0].open() as stream:
            stream.read(512)

    refused(stop_early, BadImageError, built.layers[0].digest)


def test_layer_diff_id_mismatch_on_an_uncompressed_layer(tmp_path: Path) -> None:
    built = build(spec("none"))
    config = json.loads(built.config)
    config["rootfs"]["diff_ids"] = [sha256(b"something else")]
    reference = layout(with_config(built, json.dumps(config).encode()), tmp_path)
    refused(lambda: read_everything(reference), DigestMismatchError, "diff_id")


# --- documents ----------------------------------------------------------------------------


def test_index_json_that_is_not_json(tmp_path: Path) -> None:
    reference = layout(build(spec()), tmp_path)
    (tmp_path / "layout" / "index.json").write_text('{"manifests": [')
    refused(lambda: open_image(reference), BadImageError, "index.json is not valid JSON")


def test_manifest_that_is_not_json(tmp_path: Path) -> None:
    built = with_manifest(build(spec()), b"\x89PNG not json")
    refused(lambda: open_image(layout(built, tmp_path)), BadImageError, "is not valid JSON")


def test_config_that_is_deeply_nested_json(tmp_path: Path) -> None:
    built = with_config(build(spec()), b"[" * 100000 + b"]" * 100000)
    refused(lambda: open_image(layout(built, tmp_path)), BadImageError, "is not valid JSON")


def test_config_without_diff_ids(tmp_path: Path) -> None:
    built = with_config(build(spec()), b'{"architecture": "amd64", "os": "linux"}')
    refused(lambda: open_image(layout(built, tmp_path)), BadImageError, "no rootfs.diff_ids")


def test_layer_count_differs_from_diff_ids(tmp_path: Path) -> None:
    built = build(spec())
    config = json.loads(built.config)
    config["rootfs"]["diff_ids"] *= 2
    built = with_config(built, json.dumps(config).encode())
    refused(lambda: open_image(layout(built, tmp_path)), BadImageError, "lists 1 layers but")


def test_schema1_manifest_is_refused(tmp_path: Path) -> None:
    manifest = json.dumps({"schemaVersion": 1, "name": "x", "fsLayers": []}).encode()
    built = with_manifest(build(spec()), manifest)
    refused(lambda: open_image(layout(built, tmp_path)), BadImageError, "schema 1")


@pytest.mark.parametrize(
    ("size", "match"),
    [
        (-1, "field 'layers.0.size': input should be greater than or equal to 0 (got -1)"),
        (10**15, "absurd size"),
        ("12", "field 'layers.0.size': input should be a valid integer (got '12')"),
        (True, "field 'layers.0.size': input should be a valid integer (got True)"),
    ],
)
def test_absurd_layer_sizes(size: object, match: str, tmp_path: Path) -> None:
    built = build(spec())
    changed = rehash(
        built,
        layers=[
            {
                "mediaType": built.layers[0].media_type,
                "digest": built.layers[0].digest,
                "size": size,
            }
        ],
    )
    refused(lambda: open_image(layout(changed, tmp_path)), BadImageError, match)


def test_index_naming_a_huge_manifest(tmp_path: Path) -> None:
    reference = layout(build(spec()), tmp_path)
    index_path = tmp_path / "layout" / "index.json"
    index = json.loads(index_path.read_text())
    index["manifests"][0]["size"] = 5 * 1024 * 1024
    index_path.write_text(json.dumps(index))
    refused(lambda: open_image(reference), BadImageError, "absurd size")


@pytest.mark.parametrize(
    "digest", ["sha256:../../../etc/passwd", "md5:0123456789abcdef", "sha256:ABC", "", None]
)
def test_malformed_digests(digest: object, tmp_path: Path) -> None:
    built = build(spec())
    changed = rehash(
        built, layers=[{"mediaType": built.layers[0].media_type, "digest": digest, "size": 1}]
    )
    refused(lambda: open_image(layout(changed, tmp_path)), BadImageError, "digest")


def test_manifest_naming_a_missing_layer_blob(tmp_path: Path) -> None:
    built = build(spec())
    reference = layout(built, tmp_path)
    blob_file(tmp_path / "layout", built.layers[0].digest).unlink()
    refused(
        lambda: open_image(reference), BadImageError, f"blob {built.layers[0].digest} is missing"
    )


def test_oci_archive_naming_a_missing_blob(tmp_path: Path) -> None:
    built = build(spec())
    path = tmp_path / "a.tar"
    write_oci_archive(built, path)
    _rewrite_tar(path, drop=f"blobs/sha256/{built.config_digest.split(':')[1]}")
    refused(lambda: open_image(f"oci-archive:{path}"), BadImageError, built.config_digest)


# --- archive structure --------------------------------------------------------------------


def _rewrite_tar(
    path: Path, drop: str | None = None, add: list[tuple[tarfile.TarInfo, bytes | None]] = ()
) -> None:  # type: ignore[assignment]
    with tarfile.open(path) as tar:
        members = [
            (m, tar.extractfile(m).read() if m.isreg() else None)  # type: ignore[union-attr]
            for m in tar
            if m.name != drop
        ]
    tar_with(path, [*members, *add])


def _docker_archive_with(tmp_path: Path, **entry: object) -> Path:
    built = build(spec("none"))
    path = tmp_path / "d.tar"
    write_docker_archive(built, path)
    manifest = [{"Config": built.config_digest.split(":")[1] + ".json", "RepoTags": [], **entry}]
    _rewrite_tar(
        path,
        drop="manifest.json",
        add=[(file_info("manifest.json"), json.dumps(manifest).encode())],
    )
    return path


@pytest.mark.parametrize("name", ["../x/layer.tar", "/etc/passwd", "a/../../b", ""])
def test_docker_archive_layer_path_leaving_the_archive(name: str, tmp_path: Path) -> None:
    path = _docker_archive_with(tmp_path, Layers=[name])
    refused(lambda: open_image(f"docker-archive:{path}"), BadImageError, "path")


def test_docker_archive_config_path_leaving_the_archive(tmp_path: Path) -> None:
    path = _docker_archive_with(tmp_path, Config="../../etc/passwd", Layers=["x"])
    refused(lambda: open_image(f"docker-archive:{path}"), BadImageError, "outside the archive")


def test_docker_archive_layer_missing(tmp_path: Path) -> None:
    path = _docker_archive_with(tmp_path, Layers=["nothere/layer.tar"])
    refused(
        lambda: open_image(f"docker-archive:{path}"),
        BadImageError,
        "'nothere/layer.tar' is missing",
    )


def test_docker_archive_manifest_json_not_json(tmp_path: Path) -> None:
    path = tmp_path / "d.tar"
    write_docker_archive(build(spec()), path)
    _rewrite_tar(path, drop="manifest.json", add=[(file_info("manifest.json"), b"[{")])
    refused(lambda: open_image(f"docker-archive:{path}"), BadImageError, "not valid JSON")


def test_docker_archive_config_renamed_to_another_digest(tmp_path: Path) -> None:
    built = build(spec("none"))
    path = tmp_path / "d.tar"
    write_docker_archive(built, path)
    wrong = "0" * 64 + ".json"
    config_name = built.config_digest.split(":")[1] + ".json"
    with tarfile.open(path) as tar:
        config = tar.extractfile(config_name).read()  # type: ignore[union-attr]
    manifest = [
        {"Config": wrong, "RepoTags": [], "Layers": [f"{built.layers[0].diff_id[7:]}/layer.tar"]}
    ]
    _rewrite_tar(
        path,
        drop="manifest.json",
        add=[
            (file_info(wrong), config),
            (file_info("manifest.json"), json.dumps(manifest).encode()),
        ],
    )
    refused(lambda: open_image(f"docker-archive:{path}"), DigestMismatchError, wrong)


@pytest.mark.parametrize(
    "target", ["/etc/passwd", "../../../../etc/passwd", "../../../oci-layout/x"]
)
def test_oci_archive_blob_symlinked_out_of_the_archive(target: str, tmp_path: Path) -> None:
    built = build(spec())
    path = tmp_path / "a.tar"
    write_oci_archive(built, path)
    name = f"blobs/sha256/{built.layers[0].digest[7:]}"
    _rewrite_tar(path, drop=name, add=[(link_info(name, target), None)])
    refused(
        lambda: read_everything(f"oci-archive:{path}"), BadImageError, "links outside the archive"
    )


def test_oci_archive_blob_link_loop(tmp_path: Path) -> None:
    built = build(spec())
    path = tmp_path / "a.tar"
    write_oci_archive(built, path)
    name = f"blobs/sha256/{built.layers[0].digest[7:]}"
    _rewrite_tar(
        path,
        drop=name,
        add=[
            (link_info(name, "loop-a"), None),
            (link_info("blobs/sha256/loop-a", "loop-b"), None),
            (link_info("blobs/sha256/loop-b", "loop-a"), None),
        ],
    )
    refused(lambda: read_everything(f"oci-archive:{path}"), BadImageError, "link loop")


def test_oci_archive_blob_symlinked_inside_the_archive_is_followed(tmp_path: Path) -> None:
    # docker save writes such links for layers shared between images; they are legitimate.
    built = build(spec())
    path = tmp_path / "a.tar"
    write_oci_archive(built, path)
    name = f"blobs/sha256/{built.layers[0].digest[7:]}"
    _rewrite_tar(
        path,
        drop=name,
        add=[
            (file_info("shared/layer"), built.layers[0].blob),
            (link_info(name, "../../shared/layer"), None),
        ],
    )
    with open_image(f"oci-archive:{path}") as image:
        assert layer_names(image.layers[0]) == ["data", "small"]


def test_oci_archive_blob_that_is_a_directory(tmp_path: Path) -> None:
    built = build(spec())
    path = tmp_path / "a.tar"
    write_oci_archive(built, path)
    name = f"blobs/sha256/{built.layers[0].digest[7:]}"
    directory = tarfile.TarInfo(name)
    directory.type = tarfile.DIRTYPE
    _rewrite_tar(path, drop=name, add=[(directory, None)])
    refused(lambda: open_image(f"oci-archive:{path}"), BadImageError, "not a regular file")


def test_oci_archive_with_duplicate_index(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    write_oci_archive(build(spec()), path)
    _rewrite_tar(path, add=[(file_info("./index.json"), b'{"manifests": []}')])
    refused(lambda: open_image(f"oci-archive:{path}"), BadImageError, "appears more than once")


def test_truncated_archive(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    write_oci_archive(build(spec("none")), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused(lambda: read_everything(f"oci-archive:{path}"), BadImageError, "")


def test_compressed_archive_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    write_oci_archive(build(spec()), path)
    gz = tmp_path / "a.tar.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    refused(lambda: open_image(f"oci-archive:{gz}"), UsageError, "is compressed")
    zst = tmp_path / "a.tar.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(path.read_bytes()))
    refused(lambda: open_image(f"docker-archive:{zst}"), UsageError, "is compressed")


def test_not_a_tar_at_all(tmp_path: Path) -> None:
    path = tmp_path / "junk.tar"
    path.write_bytes(os.urandom(4096))
    refused(lambda: open_image(f"oci-archive:{path}"), BadImageError, "not a readable tar")


# --- layout directory ---------------------------------------------------------------------


def test_layout_blob_symlinked_out_of_the_layout(tmp_path: Path) -> None:
    built = build(spec())
    reference = layout(built, tmp_path)
    outside = tmp_path / "outside"
    outside.write_bytes(built.layers[0].blob)  # even with the right content: not ours to read
    path = blob_file(tmp_path / "layout", built.layers[0].digest)
    path.unlink()
    path.symlink_to(outside)
    refused(lambda: open_image(reference), BadImageError, "links outside the layout")


def test_layout_blob_that_is_a_fifo_does_not_hang(tmp_path: Path) -> None:
    built = build(spec())
    reference = layout(built, tmp_path)
    path = blob_file(tmp_path / "layout", built.config_digest)
    path.unlink()
    os.mkfifo(path)
    # Opening a FIFO for reading blocks until a writer appears: open it non-blocking first.
    keeper = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        refused(lambda: open_image(reference), BadImageError, "not a regular file")
    finally:
        os.close(writer)
        os.close(keeper)


def test_layout_without_oci_layout_marker(tmp_path: Path) -> None:
    reference = layout(build(spec()), tmp_path)
    (tmp_path / "layout" / "oci-layout").unlink()
    refused(lambda: open_image(reference), BadImageError, "oci-layout is missing")


def test_layer_that_is_not_a_tar_at_all(tmp_path: Path) -> None:
    built = with_layer_blob(build(spec("none")), 0, b"hello, I am not a tar" * 10)
    reference = layout(built, tmp_path)
    with open_image(reference) as image:
        # The bytes pass through (the analysis's tar reader refuses them); the diff_id does not.
        refused(lambda: layer_bytes(image.layers[0]), DigestMismatchError, "diff_id")


__all__ = ["io"]


# --- wrong JSON types: one typed model, one line naming the field --------------------------

WRONG_TYPES = [
    (("os",), 5, "field 'os'"),
    (("architecture",), True, "field 'architecture'"),
    (("history",), 7, "field 'history'"),
    (("history",), [{"created_by": 1}], "field 'history.0.created_by'"),
    (("history",), [{"empty_layer": "yes"}], "field 'history.0.empty_layer'"),
    (("config",), [], "field 'config'"),
    (("config",), "x", "field 'config'"),
    (("config", "Labels"), ["a"], "field 'config.Labels'"),
    (("config", "Labels"), {"a": 1}, "field 'config.Labels.a'"),
    (("config", "Env"), "PATH=/bin", "field 'config.Env'"),
    (("config", "Env"), [1, 2], "field 'config.Env.0'"),
    (("config", "Entrypoint"), {"a": 1}, "field 'config.Entrypoint'"),
    (("config", "User"), 0, "field 'config.User'"),
    (("config", "ExposedPorts"), ["80/tcp"], "field 'config.ExposedPorts'"),
]


@pytest.mark.parametrize(("where", "value", "match"), WRONG_TYPES)
def test_config_field_of_the_wrong_type(
    where: tuple[str, ...], value: object, match: str, tmp_path: Path
) -> None:
    built = build(spec())
    config = json.loads(built.config)
    target = config
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    reference = layout(with_config(built, json.dumps(config).encode()), tmp_path)
    message = refused(lambda: open_image(reference), BadImageError, match)
    assert message.startswith("config sha256:")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_anywhere_in_a_config_is_not_json(constant: str, tmp_path: Path) -> None:
    built = build(spec())
    text = built.config.decode().replace('"os": "linux"', f'"os": "linux", "x": {constant}')
    reference = layout(with_config(built, text.encode()), tmp_path)
    refused(lambda: open_image(reference), BadImageError, f"{constant} is not a JSON value")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"layers": {"a": 1}}, "field 'layers'"),
        ({"config": 5}, "field 'config'"),
        ({"annotations": {"k": 5}}, "field 'annotations.k'"),
        ({"schemaVersion": "2"}, "field 'schemaVersion'"),
    ],
)
def test_manifest_field_of_the_wrong_type(
    change: dict[str, object], match: str, tmp_path: Path
) -> None:
    built = build(spec())
    manifest = {**json.loads(built.manifest), **change}
    reference = layout(with_manifest(built, json.dumps(manifest).encode()), tmp_path)
    refused(lambda: open_image(reference), BadImageError, match)


def test_index_entry_of_the_wrong_type(tmp_path: Path) -> None:
    reference = layout(build(spec()), tmp_path)
    index_path = tmp_path / "layout" / "index.json"
    index = json.loads(index_path.read_text())
    index["manifests"][0]["platform"] = {"os": ["linux"]}
    index_path.write_text(json.dumps(index))
    refused(lambda: open_image(reference), BadImageError, "field 'manifests.0.platform.os'")


def test_archive_manifest_json_field_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "image.tar"
    write_docker_archive(build(spec()), path)
    members = []
    with tarfile.open(path) as tar:
        for member in tar:
            data = tar.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            if member.name == "manifest.json":
                entry = json.loads(data or b"")[0]
                data = json.dumps([{**entry, "RepoTags": "img:1"}]).encode()
                member.size = len(data)
            members.append((member, data))
    tar_with(path, members)
    refused(
        lambda: open_image(f"docker-archive:{path}"),
        BadImageError,
        "manifest.json: field '0.RepoTags'",
    )
