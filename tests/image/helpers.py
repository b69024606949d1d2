"""Helpers for the image-source tests: tampered images, multi-platform layouts, layer reading."""

from __future__ import annotations

import hashlib
import json
import tarfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from imagetailor.image.model import Image, Layer
from tests.imagefactory import (
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    BuiltImage,
    BuiltLayer,
    ImageSpec,
    build,
    sha256,
)


def manifest_bytes(built: BuiltImage, **overrides: Any) -> bytes:
    """The manifest for ``built``'s config and layers, with top-level fields overridden."""
    document: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {
            "mediaType": OCI_CONFIG,
            "digest": built.config_digest,
            "size": len(built.config),
        },
        "layers": [
            {"mediaType": layer.media_type, "digest": layer.digest, "size": len(layer.blob)}
            for layer in built.layers
        ],
    }
    document.update(overrides)
    return json.dumps(document).encode()


def with_layer_blob(built: BuiltImage, index: int, blob: bytes) -> BuiltImage:
    """Replace one layer's stored bytes; its digest and size follow, its diff_id stays."""
    layers = list(built.layers)
    layers[index] = replace(layers[index], blob=blob, digest=sha256(blob))
    return rehash(replace(built, layers=layers))


def with_config(built: BuiltImage, config: bytes) -> BuiltImage:
    return rehash(replace(built, config=config, config_digest=sha256(config)))


def rehash(built: BuiltImage, **overrides: Any) -> BuiltImage:
    """Recompute the manifest (and its digest) so every descriptor is self-consistent."""
    manifest = manifest_bytes(built, **overrides)
    return replace(built, manifest=manifest, manifest_digest=sha256(manifest))


def with_manifest(built: BuiltImage, manifest: bytes) -> BuiltImage:
    return replace(built, manifest=manifest, manifest_digest=sha256(manifest))


def write_multi_platform_layout(
    images: list[tuple[dict[str, str], ImageSpec]], directory: Path, ref: str = "latest"
) -> list[BuiltImage]:
    """An OCI layout whose index.json names an image index holding one manifest per platform."""
    built = [build(spec) for _, spec in images]
    blobs: dict[str, bytes] = {}
    entries = []
    for (platform, _), image in zip(images, built, strict=True):
        blobs[image.config_digest] = image.config
        blobs[image.manifest_digest] = image.manifest
        for layer in image.layers:
            blobs[layer.digest] = layer.blob
        entries.append(
            {
                "mediaType": OCI_MANIFEST,
                "digest": image.manifest_digest,
                "size": len(image.manifest),
                "platform": platform,
            }
        )
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    blobs[sha256(index)] = index
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    for digest, data in blobs.items():
        path = directory / "blobs" / "sha256" / digest.split(":", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    top = {
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {
                "mediaType": OCI_INDEX,
                "digest": sha256(index),
                "size": len(index),
                "annotations": {"org.opencontainers.image.ref.name": ref},
            }
        ],
    }
    (directory / "index.json").write_text(json.dumps(top))
    return built


def layer_names(layer: Layer) -> list[str]:
    """Every member name of the layer's tar, read through the verified stream."""
    with layer.open() as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
        return [member.name for member in tar]


def layer_bytes(layer: Layer) -> bytes:
    with layer.open() as stream:
        return stream.read()


def read_all_layers(image: Image) -> list[str]:
    """The sha256 of each layer's uncompressed tar, as read through the source."""
    return ["sha256:" + hashlib.sha256(layer_bytes(layer)).hexdigest() for layer in image.layers]


def blob_file(directory: Path, digest: str) -> Path:
    algorithm, hexdigest = digest.split(":", 1)
    return directory / "blobs" / algorithm / hexdigest


def tar_with(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> None:
    """Write a tar of exactly these members (for hostile archive structures)."""
    import io

    with tarfile.open(path, "w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


def file_info(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode = 0o644
    return info


def link_info(name: str, target: str, hard: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.LNKTYPE if hard else tarfile.SYMTYPE
    info.linkname = target
    return info


__all__ = ["BuiltLayer"]
