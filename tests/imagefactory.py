"""Write test images in Python: exact layer contents in, every on-disk format out.

Tests describe an image as layers of entries (files, dirs, links, whiteouts) and write it as a
classic or OCI-based ``docker save`` archive, an OCI layout, an OCI archive, or an in-memory
``Image``. Expected figures are then known exactly, because the tests chose every byte.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import posixpath
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import zstandard

from imagetailor.errors import DigestMismatchError
from imagetailor.image.model import Descriptor, Image, Layer

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_MEDIA_TYPES = {
    "none": "application/vnd.oci.image.layer.v1.tar",
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}
DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


# --- entries ------------------------------------------------------------------------------


@dataclass
class File:
    path: str
    data: bytes | str = b""
    mode: int = 0o644
    uid: int = 0
    gid: int = 0
    mtime: int = 0


@dataclass
class Dir:
    path: str
    mode: int = 0o755
    uid: int = 0
    gid: int = 0


@dataclass
class Symlink:
    path: str
    target: str


@dataclass
class Hardlink:
    path: str
    target: str


@dataclass
class Whiteout:
    """Deletes ``path`` (and what is below it) from the layers underneath."""

    path: str


@dataclass
class Opaque:
    """Hides everything the layers underneath put in directory ``dir``."""

    dir: str


@dataclass
class Raw:
    """A tar member written exactly as given: for hostile names, types and sizes."""

    info: tarfile.TarInfo
    data: bytes = b""


Entry = File | Dir | Symlink | Hardlink | Whiteout | Opaque | Raw


def _member(entry: Entry) -> tuple[tarfile.TarInfo, bytes | None]:
    if isinstance(entry, Raw):
        return entry.info, entry.data
    if isinstance(entry, File):
        data = entry.data.encode() if isinstance(entry.data, str) else entry.data
        info = tarfile.TarInfo(entry.path.lstrip("/"))
        info.size, info.mode, info.uid, info.gid, info.mtime = (
            len(data),
            entry.mode,
            entry.uid,
            entry.gid,
            entry.mtime,
        )
        return info, data
    if isinstance(entry, Dir):
        info = tarfile.TarInfo(entry.path.lstrip("/"))
        info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, entry.mode, entry.uid, entry.gid
        return info, None
    if isinstance(entry, Symlink | Hardlink):
        info = tarfile.TarInfo(entry.path.lstrip("/"))
        info.type = tarfile.SYMTYPE if isinstance(entry, Symlink) else tarfile.LNKTYPE
        info.linkname = entry.target if isinstance(entry, Symlink) else entry.target.lstrip("/")
        info.mode = 0o777 if isinstance(entry, Symlink) else 0o644
        return info, None
    if isinstance(entry, Whiteout):
        parent, name = posixpath.split(entry.path.strip("/"))
        info = tarfile.TarInfo(posixpath.join(parent, ".wh." + name))
        return info, b""
    parent = entry.dir.strip("/")
    return tarfile.TarInfo(posixpath.join(parent, ".wh..wh..opq")), b""


def layer_tar(entries: list[Entry]) -> bytes:
    """The uncompressed tar of a layer, entries in the given order (PAX, like BuildKit)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info, data = _member(entry)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def compress(data: bytes, compression: str) -> bytes:
    if compression == "none":
        return data
    if compression == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if compression == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    raise ValueError(compression)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- images -------------------------------------------------------------------------------


@dataclass
class LayerSpec:
    entries: list[Entry]
    created_by: str = "/bin/sh -c #(nop) ADD file"
    compression: str = "none"


@dataclass
class ImageSpec:
    layers: list[LayerSpec]
    user: str | None = None
    env: list[str] = field(default_factory=lambda: [DEFAULT_PATH])
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    workdir: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    exposed_ports: list[str] = field(default_factory=list)
    # Docker's Healthcheck.Test, e.g. ["CMD", "/app/server", "health"] (None: no healthcheck)
    healthcheck: list[str] | None = None
    # (index of the layer it precedes, created_by): history entries that made no layer
    empty_history: list[tuple[int, str]] = field(default_factory=list)
    os: str = "linux"
    architecture: str = "amd64"


@dataclass
class BuiltLayer:
    blob: bytes
    media_type: str
    digest: str
    diff_id: str
    tar: bytes


@dataclass
class BuiltImage:
    config: bytes
    config_digest: str
    layers: list[BuiltLayer]
    manifest: bytes
    manifest_digest: str


def config_dict(spec: ImageSpec, diff_ids: list[str]) -> dict[str, Any]:
    history: list[dict[str, Any]] = []
    empties = sorted(spec.empty_history)
    for index, layer in enumerate(spec.layers):
        history += [
            {"created": "1970-01-01T00:00:00Z", "created_by": text, "empty_layer": True}
            for at, text in empties
            if at == index
        ]
        history.append({"created": "1970-01-01T00:00:00Z", "created_by": layer.created_by})
    history += [
        {"created": "1970-01-01T00:00:00Z", "created_by": text, "empty_layer": True}
        for at, text in empties
        if at >= len(spec.layers)
    ]
    config: dict[str, Any] = {"Env": spec.env}
    for key, value in (
        ("User", spec.user),
        ("Entrypoint", spec.entrypoint),
        ("Cmd", spec.cmd),
        ("WorkingDir", spec.workdir),
    ):
        if value is not None:
            config[key] = value
    if spec.labels:
        config["Labels"] = spec.labels
    if spec.exposed_ports:
        config["ExposedPorts"] = {port: {} for port in spec.exposed_ports}
    if spec.healthcheck is not None:
        config["Healthcheck"] = {"Test": spec.healthcheck, "Interval": 30_000_000_000}
    return {
        "architecture": spec.architecture,
        "os": spec.os,
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }


def build(spec: ImageSpec) -> BuiltImage:
    layers = []
    for layer in spec.layers:
        tar = layer_tar(layer.entries)
        blob = compress(tar, layer.compression)
        layers.append(
            BuiltLayer(blob, LAYER_MEDIA_TYPES[layer.compression], sha256(blob), sha256(tar), tar)
        )
    config = json.dumps(config_dict(spec, [lay.diff_id for lay in layers])).encode()
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": sha256(config), "size": len(config)},
            "layers": [
                {"mediaType": lay.media_type, "digest": lay.digest, "size": len(lay.blob)}
                for lay in layers
            ],
        }
    ).encode()
    return BuiltImage(config, sha256(config), layers, manifest, sha256(manifest))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _blob_path(digest: str) -> str:
    algorithm, hexdigest = digest.split(":", 1)
    return f"blobs/{algorithm}/{hexdigest}"


def write_docker_archive(
    spec: ImageSpec | BuiltImage,
    path: Path,
    tag: str = "imagetailor-test/img:1",
    oci_based: bool = False,
) -> BuiltImage:
    """A ``docker save`` archive: classic (``<id>/layer.tar``) or Docker 25+'s OCI-based one."""
    built = spec if isinstance(spec, BuiltImage) else build(spec)
    with tarfile.open(path, "w") as tar:
        if oci_based:
            config_name = _blob_path(built.config_digest)
            layer_names = [_blob_path(lay.digest) for lay in built.layers]
            _add_bytes(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
            for lay, name in zip(built.layers, layer_names, strict=True):
                _add_bytes(tar, name, lay.blob)
            _add_bytes(tar, config_name, built.config)
            _add_bytes(tar, _blob_path(built.manifest_digest), built.manifest)
            _add_bytes(tar, "index.json", json.dumps(_index(built, tag)).encode())
        else:
            config_name = built.config_digest.split(":", 1)[1] + ".json"
            layer_names = []
            for lay in built.layers:
                name = f"{lay.diff_id.split(':', 1)[1]}/layer.tar"
                layer_names.append(name)
                _add_bytes(tar, name, lay.blob)
            _add_bytes(tar, config_name, built.config)
        manifest = [
            {"Config": config_name, "RepoTags": [tag] if tag else [], "Layers": layer_names}
        ]
        _add_bytes(tar, "manifest.json", json.dumps(manifest).encode())
        if tag:
            repo, _, version = tag.rpartition(":")
            top = built.layers[-1].diff_id.split(":", 1)[1] if built.layers else ""
            _add_bytes(tar, "repositories", json.dumps({repo: {version: top}}).encode())
    return built


def _index(built: BuiltImage, ref: str | None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "mediaType": OCI_MANIFEST,
        "digest": built.manifest_digest,
        "size": len(built.manifest),
    }
    if ref:
        descriptor["annotations"] = {"org.opencontainers.image.ref.name": ref}
    return {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [descriptor]}


def write_oci_layout(
    spec: ImageSpec | BuiltImage, directory: Path, ref: str | None = "latest"
) -> BuiltImage:
    built = spec if isinstance(spec, BuiltImage) else build(spec)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    for digest, data in _blobs(built):
        blob = directory / _blob_path(digest)
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
    (directory / "index.json").write_text(json.dumps(_index(built, ref)))
    return built


def write_oci_archive(
    spec: ImageSpec | BuiltImage, path: Path, ref: str | None = "latest"
) -> BuiltImage:
    built = spec if isinstance(spec, BuiltImage) else build(spec)
    with tarfile.open(path, "w") as tar:
        _add_bytes(tar, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        for digest, data in _blobs(built):
            _add_bytes(tar, _blob_path(digest), data)
        _add_bytes(tar, "index.json", json.dumps(_index(built, ref)).encode())
    return built


def _blobs(built: BuiltImage) -> Iterator[tuple[str, bytes]]:
    yield built.config_digest, built.config
    yield built.manifest_digest, built.manifest
    for lay in built.layers:
        yield lay.digest, lay.blob


# --- in memory ----------------------------------------------------------------------------


class MemoryLayer(Layer):
    def __init__(self, built: BuiltLayer) -> None:
        self.descriptor = Descriptor(built.media_type, built.digest, len(built.blob))
        self.diff_id = built.diff_id
        self._tar = built.tar
        self._blob = built.blob

    @contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        if sha256(self._blob) != self.descriptor.digest:
            raise DigestMismatchError(f"layer {self.descriptor.digest} does not match its content")
        yield io.BytesIO(self._tar)

    def open(self) -> Any:
        return self._open()


def memory_image(spec: ImageSpec | BuiltImage, reference: str = "memory:test") -> Image:
    """The image as the analysis sees it, without any file or source in between."""
    built = spec if isinstance(spec, BuiltImage) else build(spec)
    return Image(
        reference=reference,
        manifest=json.loads(built.manifest),
        manifest_digest=built.manifest_digest,
        config=json.loads(built.config),
        config_digest=built.config_digest,
        layers=[MemoryLayer(lay) for lay in built.layers],
        config_bytes=built.config,
    )
