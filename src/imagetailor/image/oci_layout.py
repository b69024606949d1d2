"""``oci:DIR[:REF]``: an OCI image layout directory (``oci-layout``, ``index.json``, ``blobs/``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from imagetailor.errors import BadImageError, UsageError
from imagetailor.image.blobs import MAX_DOCUMENT_BYTES, parse_json_object
from imagetailor.image.manifests import (
    BlobStore,
    build_image,
    document_kind,
    parse_manifest,
    resolve_index,
)
from imagetailor.image.model import Descriptor, Image
from imagetailor.image.platforms import Platform
from imagetailor.image.tar_archive import blob_path
from imagetailor.untrusted import open_regular, read_regular


def check_layout_marker(data: bytes, where: str) -> None:
    marker = parse_json_object(data, f"{where} oci-layout")
    if not isinstance(marker.get("imageLayoutVersion"), str):
        raise BadImageError(f"{where} oci-layout has no imageLayoutVersion")


def image_from_index(
    store: BlobStore,
    index_bytes: bytes,
    ref: str | None,
    platform: Platform | None,
    reference: str,
) -> Image:
    """Resolve a layout's ``index.json`` (by ref, then platform) to one image."""
    what = f"{store.where} index.json"
    index = parse_manifest(index_bytes, what)
    if document_kind(index, None, what) != "index":
        raise BadImageError(f"{what} is not an image index")
    manifest, digest = resolve_index(store, index, what, ref, platform)
    return build_image(store, manifest, digest, reference)


class DirectoryBlobStore:
    """Blobs as files under ``DIR/blobs/ALG/HEX``, refused if they lead out of the layout."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real_root = os.path.realpath(root)
        self.where = f"OCI layout {root}"

    def check_blob(self, descriptor: Descriptor) -> None:
        self.open_blob(descriptor).close()

    def open_blob(self, descriptor: Descriptor) -> IO[bytes]:
        # The digest was validated (hex only), so the joined path stays under blobs/ by name;
        # a symlink could still lead elsewhere, so the real path is checked too.
        path = self.root / blob_path(descriptor.digest)
        real = os.path.realpath(path)
        if not real.startswith(self._real_root + os.sep):
            raise BadImageError(f"{self.where}: blob {descriptor.digest} links outside the layout")
        # A FIFO or device would hang the open or never end: only regular files are blobs.
        return open_regular(
            real,
            f"{self.where}: blob {descriptor.digest}",
            error=BadImageError,
            missing=f"{self.where}: blob {descriptor.digest} is missing",
        )


def _read_small(path: Path, what: str) -> bytes:
    return read_regular(
        path, what, MAX_DOCUMENT_BYTES, error=BadImageError, missing=f"{what} is missing"
    )


def open_oci_layout(
    directory: Path, ref: str | None, platform: Platform | None, reference: str
) -> Image:
    if not directory.is_dir():
        raise UsageError(f"OCI layout {directory} is not a directory")
    store = DirectoryBlobStore(directory)
    check_layout_marker(
        _read_small(directory / "oci-layout", f"{store.where}: oci-layout"), store.where
    )
    index = _read_small(directory / "index.json", f"{store.where}: index.json")
    return image_from_index(store, index, ref, platform, reference)
