"""From a blob store and a manifest (or index) to an ``Image``: the part all sources share.

A source only has to say how to open a blob by its descriptor (``BlobStore``); choosing from an
index, validating the manifest, reading and checking the config and pairing layers with their
diff_ids happens here, once, so every source refuses the same malformed input the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import IO, Any, Protocol

from imagetailor.errors import BadImageError, UsageError, summarise
from imagetailor.image.blobs import (
    MAX_DOCUMENT_BYTES,
    check_digest,
    descriptor_from_json,
    open_layer_stream,
    parse_json_object,
    read_document,
)
from imagetailor.image.documents import CONFIG, MANIFEST, check_document
from imagetailor.image.mediatypes import CONFIG_TYPES, DOCKER_SCHEMA1, INDEX_TYPES, MANIFEST_TYPES
from imagetailor.image.model import Descriptor, Image, Layer
from imagetailor.image.platforms import Platform, describe, host

REF_NAME = "org.opencontainers.image.ref.name"
CONTAINERD_NAME = "io.containerd.image.name"
# Indexes may nest (Docker 25 writes index.json -> index -> manifests); bound the recursion.
MAX_INDEX_DEPTH = 4


class BlobStore(Protocol):
    """Where a source keeps its blobs. ``where`` names it in error messages."""

    where: str

    def open_blob(self, descriptor: Descriptor) -> AbstractContextManager[IO[bytes]]:
        """Open the raw, unverified bytes of a blob; BadImageError naming the digest if absent."""
        ...


def document_kind(document: dict[str, Any], media_type: str | None, what: str) -> str:
    """'index' or 'manifest', from the document's mediaType, the transport's, or its shape."""
    declared = document.get("mediaType") or ""
    # A transport's Content-Type (often plain application/json) only counts when it is specific.
    if not declared and media_type in (*MANIFEST_TYPES, *INDEX_TYPES, *DOCKER_SCHEMA1):
        declared = media_type
    if declared in DOCKER_SCHEMA1 or document.get("schemaVersion") == 1:
        raise BadImageError(f"{what} is a Docker schema 1 manifest, which is not supported")
    if declared in INDEX_TYPES:
        return "index"
    if declared in MANIFEST_TYPES:
        return "manifest"
    if declared:
        raise BadImageError(f"{what} has an unsupported media type {str(declared)[:100]!r}")
    if "manifests" in document:
        return "index"
    if "layers" in document or "config" in document:
        return "manifest"
    raise BadImageError(f"{what} is neither an image manifest nor an index")


def index_entries(index: dict[str, Any], what: str) -> list[tuple[Descriptor, dict[str, Any]]]:
    """The index's descriptors with their (possibly empty) platform objects."""
    manifests = index.get("manifests")
    if not isinstance(manifests, list):
        raise BadImageError(f"{what} has no manifests list")
    entries = []
    for number, entry in enumerate(manifests):
        descriptor = descriptor_from_json(entry, f"{what} entry {number}", MAX_DOCUMENT_BYTES)
        platform = entry.get("platform") if isinstance(entry, dict) else None
        entries.append((descriptor, platform if isinstance(platform, dict) else {}))
    return entries


def _is_attestation(descriptor: Descriptor, platform: dict[str, Any]) -> bool:
    # BuildKit stores provenance/SBOM documents in the index as "unknown/unknown" manifests.
    if descriptor.annotations.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    return platform.get("os") == "unknown" and platform.get("architecture") == "unknown"


def select_platform(
    entries: list[tuple[Descriptor, dict[str, Any]]], wanted: Platform | None, what: str
) -> Descriptor:
    """Pick the manifest for ``wanted`` (default: this machine's platform) from an index."""
    images = [(d, p) for d, p in entries if not _is_attestation(d, p)]
    if not images:
        raise BadImageError(f"{what} lists no image manifests")
    if len(images) == 1 and not images[0][1]:
        # No platform to compare (a nested index, or a layout of one image): the image's own
        # config is checked against an explicit --platform once it is read.
        return images[0][0]
    target = wanted or host()
    for descriptor, platform in images:
        if target.matches(platform):
            return descriptor
    if wanted is None and len(images) == 1:
        # One image for another platform: nothing to choose, and reading it is harmless.
        return images[0][0]
    available = summarise(sorted({describe(p) for _, p in images}))
    raise UsageError(f"{what} has no image for {target} (available: {available}); use --platform")


def select_by_ref(
    entries: list[tuple[Descriptor, dict[str, Any]]], ref: str | None, what: str
) -> list[tuple[Descriptor, dict[str, Any]]]:
    """The entries an OCI layout's ``REF`` names (all of them when no ref was given)."""
    if ref is None:
        return entries
    chosen = [
        (d, p)
        for d, p in entries
        if ref in (d.annotations.get(REF_NAME), d.annotations.get(CONTAINERD_NAME))
    ]
    if not chosen:
        names = sorted({d.annotations.get(REF_NAME, "") for d, _ in entries} - {""})
        raise UsageError(f"{what} has no image named {ref!r} (it has: {summarise(names)})")
    return chosen


def resolve_index(
    store: BlobStore,
    index: dict[str, Any],
    what: str,
    ref: str | None,
    platform: Platform | None,
) -> tuple[bytes, str]:
    """Follow an index (and nested ones) down to one image manifest: (bytes, digest)."""
    entries = select_by_ref(index_entries(index, what), ref, what)
    for _depth in range(MAX_INDEX_DEPTH):
        refs = {d.annotations.get(REF_NAME) for d, _ in entries}
        if ref is None and len(refs) > 1 and all(not p for _, p in entries):
            names = summarise(sorted(r or "(unnamed)" for r in refs))
            raise UsageError(f"{what} holds several images; name one of: {names}")
        descriptor = select_platform(entries, platform, what)
        data = read_document(partial(store.open_blob, descriptor), descriptor, "manifest")
        document = parse_manifest(data, f"manifest {descriptor.digest}")
        kind = document_kind(document, descriptor.media_type, f"manifest {descriptor.digest}")
        if kind == "manifest":
            return data, descriptor.digest
        what = f"index {descriptor.digest}"
        entries = index_entries(document, what)
    raise BadImageError(f"{what}: indexes nest deeper than {MAX_INDEX_DEPTH} levels")


class StoreLayer(Layer):
    """A layer blob in a store, opened as a verified, decompressed tar stream."""

    def __init__(
        self,
        store: BlobStore,
        descriptor: Descriptor,
        diff_id: str | None,
        *,
        verify_blob_digest: bool = True,
        blob_descriptor: Descriptor | None = None,
    ) -> None:
        self.descriptor = descriptor
        self.diff_id = diff_id
        self._store = store
        self._verify_blob_digest = verify_blob_digest
        # The descriptor the store is asked for, when it differs from the one we report.
        self._blob_descriptor = blob_descriptor or descriptor

    @contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        with (
            self._store.open_blob(self._blob_descriptor) as raw,
            open_layer_stream(
                raw,
                self.descriptor,
                self.diff_id,
                verify_blob_digest=self._verify_blob_digest,
                describe=f"layer {self.descriptor.digest} in {self._store.where}",
            ) as stream,
        ):
            yield stream

    def open(self) -> AbstractContextManager[IO[bytes]]:
        return self._open()


def parse_config(data: bytes, digest: str) -> tuple[dict[str, Any], list[str]]:
    """The image config (its fields' types checked) and its validated ``rootfs.diff_ids``."""
    config = parse_json_object(data, f"config {digest}")
    rootfs = config.get("rootfs")
    if not isinstance(rootfs, dict) or not isinstance(rootfs.get("diff_ids"), list):
        raise BadImageError(f"config {digest} has no rootfs.diff_ids list")
    check_document(CONFIG, config, f"config {digest}")
    diff_ids = [check_digest(d, f"config {digest} diff_id") for d in rootfs["diff_ids"]]
    return config, diff_ids


def parse_manifest(data: bytes, what: str) -> dict[str, Any]:
    """A manifest or index document, its fields' types checked."""
    document = parse_json_object(data, what)
    check_document(MANIFEST, document, what)
    return document


def build_image(
    store: BlobStore,
    manifest_bytes: bytes,
    manifest_digest: str | None,
    reference: str,
) -> Image:
    """An ``Image`` from a single-platform manifest whose blobs live in ``store``."""
    what = f"manifest {manifest_digest or ''} in {store.where}".replace("  ", " ")
    manifest = parse_manifest(manifest_bytes, what)
    if document_kind(manifest, None, what) != "manifest":
        raise BadImageError(f"{what} is an index where an image manifest was expected")
    config_descriptor = descriptor_from_json(
        manifest.get("config"), f"{what} config", MAX_DOCUMENT_BYTES
    )
    if config_descriptor.media_type and config_descriptor.media_type not in CONFIG_TYPES:
        raise BadImageError(
            f"{what} is not a container image (config media type {config_descriptor.media_type!r})"
        )
    raw_layers = manifest.get("layers")
    if not isinstance(raw_layers, list):
        raise BadImageError(f"{what} has no layers list")
    layer_descriptors = [
        descriptor_from_json(layer, f"{what} layer {number}")
        for number, layer in enumerate(raw_layers)
    ]
    for descriptor in layer_descriptors:
        if "tar" not in descriptor.media_type and descriptor.media_type:
            raise BadImageError(f"{what} has a non-layer blob {descriptor.media_type!r} as a layer")
    config_bytes = read_document(
        lambda: store.open_blob(config_descriptor), config_descriptor, "config"
    )
    config, diff_ids = parse_config(config_bytes, config_descriptor.digest)
    if len(diff_ids) != len(layer_descriptors):
        raise BadImageError(
            f"{what} lists {len(layer_descriptors)} layers but its config has "
            f"{len(diff_ids)} diff_ids"
        )
    # Local stores can say at once whether every layer is there; remote ones fail on open.
    check_blob = getattr(store, "check_blob", None)
    if check_blob is not None:
        for descriptor in layer_descriptors:
            check_blob(descriptor)
    layers: list[Layer] = [
        StoreLayer(store, descriptor, diff_id)
        for descriptor, diff_id in zip(layer_descriptors, diff_ids, strict=True)
    ]
    return Image(
        reference=reference,
        manifest=manifest,
        manifest_digest=manifest_digest,
        config=config,
        config_digest=config_descriptor.digest,
        layers=layers,
        config_bytes=config_bytes,
    )
