"""``docker-archive:PATH[:NAME[:TAG]|:@INDEX]``: what ``docker save`` writes, read in place.

Two layouts exist. The classic one (Docker < 25) has ``manifest.json`` naming a config file
``HEX.json`` and layers ``ID/layer.tar``; it records no manifest and no compressed digests, so each
layer is described by its diff_id and checked against it. Docker 25+ writes an OCI layout
(``index.json``, ``blobs/sha256/...``) and keeps ``manifest.json`` beside it for old readers; there
the image manifest from ``index.json`` is used, so descriptors and the manifest digest are real.
"""

from __future__ import annotations

import hashlib
import re
from functools import partial
from pathlib import Path
from typing import IO, Any

from imagetailor.errors import BadImageError, DigestMismatchError, UsageError, summarise
from imagetailor.image.blobs import (
    MAX_DOCUMENT_BYTES,
    parse_json_object,
    read_document,
    sniff_compression,
)
from imagetailor.image.documents import ARCHIVE_MANIFEST, check_document
from imagetailor.image.manifests import (
    StoreLayer,
    build_image,
    document_kind,
    index_entries,
    parse_config,
    parse_manifest,
)
from imagetailor.image.mediatypes import DOCKER_MANIFEST
from imagetailor.image.model import Descriptor, Image, Layer
from imagetailor.image.oci_archive import open_layout_in_archive
from imagetailor.image.platforms import Platform
from imagetailor.image.reference import ImageReference, parse_name
from imagetailor.image.tar_archive import (
    Member,
    TarArchive,
    TarBlobStore,
    digest_of_blob_path,
    safe_name,
)

# manifest.json lists every image in the archive; it may be larger than one manifest.
MAX_ARCHIVE_MANIFEST_BYTES = 16 * 1024 * 1024
# How many manifests of index.json are read when looking for the one matching manifest.json.
MAX_INDEX_SCAN = 256
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = {
    "none": "application/vnd.docker.image.rootfs.diff.tar",
    "gzip": "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "zstd": "application/vnd.docker.image.rootfs.diff.tar.zstd",
}
_CLASSIC_CONFIG = re.compile(r"^(?:.*/)?([a-f0-9]{64})\.json$")


def open_docker_archive(
    path: Path, selection: ImageReference, platform: Platform | None, reference: str
) -> Image:
    archive = TarArchive(path, "docker archive")
    if not archive.has("manifest.json"):
        if archive.has("index.json"):
            return open_layout_in_archive(archive, selection.ref, platform, reference)
        raise BadImageError(f"{archive.where} has no manifest.json: not a docker save archive")
    raw = archive.read_small("manifest.json", "manifest.json", MAX_ARCHIVE_MANIFEST_BYTES)
    entry = _choose_entry(_parse_entries(raw, archive.where), selection, archive.where)
    config_name = safe_name(entry.get("Config"), f"{archive.where} manifest.json Config")
    config_digest = digest_of_blob_path(config_name)
    if config_digest and archive.has("index.json"):
        image = _from_oci_index(archive, config_digest, reference)
        if image is not None:
            return image
    return _classic_image(archive, entry, config_name, reference)


def _parse_entries(raw: bytes, where: str) -> list[dict[str, Any]]:
    # manifest.json is a JSON list, not an object: wrap it to reuse the checked parser.
    document = parse_json_object(b'{"entries":' + raw + b"}", f"{where} manifest.json")
    entries = document["entries"]
    if not isinstance(entries, list) or not entries:
        raise BadImageError(f"{where} manifest.json lists no images")
    if not all(isinstance(e, dict) for e in entries):
        raise BadImageError(f"{where} manifest.json has an entry that is not an object")
    check_document(ARCHIVE_MANIFEST, entries, f"{where} manifest.json")
    return entries


def _repo_tags(entry: dict[str, Any]) -> list[str]:
    tags = entry.get("RepoTags") or []
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _choose_entry(
    entries: list[dict[str, Any]], selection: ImageReference, where: str
) -> dict[str, Any]:
    if selection.index is not None:
        if selection.index >= len(entries):
            raise UsageError(f"{where} holds {len(entries)} images; there is no @{selection.index}")
        return entries[selection.index]
    if selection.name is not None:
        wanted = str(selection.name)
        for entry in entries:
            for tag in _repo_tags(entry):
                try:
                    if str(parse_name(tag)) == wanted:
                        return entry
                except UsageError:
                    continue
        raise UsageError(f"{where} has no image tagged {selection.ref!r}")
    if len(entries) > 1:
        tags = summarise((t for e in entries for t in _repo_tags(e)), empty="untagged")
        raise UsageError(
            f"{where} holds {len(entries)} images ({tags}); choose one with :NAME:TAG or :@INDEX"
        )
    return entries[0]


def _from_oci_index(archive: TarArchive, config_digest: str, reference: str) -> Image | None:
    """The Docker 25+ layout: find the manifest in index.json whose config manifest.json names."""
    store = TarBlobStore(archive)
    index = parse_manifest(
        archive.read_small("index.json", "index.json", MAX_DOCUMENT_BYTES),
        f"{archive.where} index.json",
    )
    pending = index_entries(index, f"{archive.where} index.json")
    scanned = 0
    while pending and scanned < MAX_INDEX_SCAN:
        descriptor, _platform = pending.pop(0)
        scanned += 1
        data = read_document(partial(store.open_blob, descriptor), descriptor, "manifest")
        what = f"manifest {descriptor.digest}"
        document = parse_manifest(data, what)
        if document_kind(document, descriptor.media_type, what) == "index":
            pending.extend(index_entries(document, what))
            continue
        config = document.get("config")
        if isinstance(config, dict) and config.get("digest") == config_digest:
            return build_image(store, data, descriptor.digest, reference)
    return None


class _MemberStore:
    """One archive member standing in for a blob (classic layers are named by path)."""

    def __init__(self, archive: TarArchive, member: Member) -> None:
        self.archive = archive
        self.member = member
        self.where = archive.where

    def open_blob(self, descriptor: Descriptor) -> IO[bytes]:
        return self.archive.open_member(self.member)


def _classic_image(
    archive: TarArchive, entry: dict[str, Any], config_name: str, reference: str
) -> Image:
    where = archive.where
    config_bytes = archive.read_small(config_name, "config", MAX_DOCUMENT_BYTES)
    config_digest = "sha256:" + hashlib.sha256(config_bytes).hexdigest()
    named = digest_of_blob_path(config_name)
    classic = _CLASSIC_CONFIG.match(config_name)
    expected = named or (f"sha256:{classic.group(1)}" if classic else None)
    if expected is not None and expected != config_digest:
        raise DigestMismatchError(
            f"{where}: config {config_name!r} does not match its digest (got {config_digest})"
        )
    config, diff_ids = parse_config(config_bytes, config_digest)
    names = entry.get("Layers")
    if not isinstance(names, list):
        raise BadImageError(f"{where} manifest.json entry has no Layers list")
    if len(names) != len(diff_ids):
        raise BadImageError(
            f"{where} manifest.json lists {len(names)} layers but config {config_digest} has "
            f"{len(diff_ids)} diff_ids"
        )
    layers: list[Layer] = []
    layer_json: list[dict[str, Any]] = []
    for number, (name, diff_id) in enumerate(zip(names, diff_ids, strict=True)):
        layer_name = safe_name(name, f"{where} manifest.json layer {number}")
        member = archive.member(layer_name, "layer")
        layer, descriptor = _classic_layer(archive, member, layer_name, diff_id)
        layers.append(layer)
        layer_json.append(
            {
                "mediaType": descriptor.media_type,
                "digest": descriptor.digest,
                "size": descriptor.size,
            }
        )
    # Classic archives carry no manifest; this one is what the archive tells us, for reports.
    manifest = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "digest": config_digest, "size": len(config_bytes)},
        "layers": layer_json,
    }
    return Image(
        reference=reference,
        manifest=manifest,
        manifest_digest=None,
        config=config,
        config_digest=config_digest,
        layers=layers,
        config_bytes=config_bytes,
    )


def _classic_layer(
    archive: TarArchive, member: Member, name: str, diff_id: str
) -> tuple[Layer, Descriptor]:
    with archive.open_member(member) as stream:
        kind = sniff_compression(stream.read(4))
    store = _MemberStore(archive, member)
    blob_digest = digest_of_blob_path(name)
    if blob_digest is not None:
        descriptor = Descriptor(DOCKER_LAYER[kind], blob_digest, member.size)
        return StoreLayer(store, descriptor, diff_id), descriptor
    # The archive records only the diff_id: the uncompressed content is checked against it, and a
    # compressed member's own digest is unknown, so the descriptor carries the diff_id.
    descriptor = Descriptor(DOCKER_LAYER[kind], diff_id, member.size)
    return StoreLayer(store, descriptor, diff_id, verify_blob_digest=False), descriptor
