"""``oci-archive:PATH[:REF]``: an OCI image layout packed in a tar, read in place."""

from __future__ import annotations

from pathlib import Path

from imagetailor.image.blobs import MAX_DOCUMENT_BYTES
from imagetailor.image.model import Image
from imagetailor.image.oci_layout import check_layout_marker, image_from_index
from imagetailor.image.platforms import Platform
from imagetailor.image.tar_archive import TarArchive, TarBlobStore


def open_layout_in_archive(
    archive: TarArchive, ref: str | None, platform: Platform | None, reference: str
) -> Image:
    """The image an OCI layout inside ``archive`` names (also Docker 25+ ``docker save``)."""
    if archive.has("oci-layout"):
        marker = archive.read_small("oci-layout", "oci-layout", MAX_DOCUMENT_BYTES)
        check_layout_marker(marker, archive.where)
    index = archive.read_small("index.json", "index.json", MAX_DOCUMENT_BYTES)
    return image_from_index(TarBlobStore(archive), index, ref, platform, reference)


def open_oci_archive(
    path: Path, ref: str | None, platform: Platform | None, reference: str
) -> Image:
    archive = TarArchive(path, "OCI archive")
    return open_layout_in_archive(archive, ref, platform, reference)
