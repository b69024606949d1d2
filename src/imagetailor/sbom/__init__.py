"""Software bills of materials from an analysis: CycloneDX JSON and SPDX JSON.

``sbom_document(analysis, fmt)`` returns the document's bytes and its media type, for writing
to a file (``tailor sbom``, ``tailor inspect --sbom``) or attaching to the image as an OCI
referrer. The documents are made with the formats' own libraries (cyclonedx-python-lib,
spdx-tools), which are imported only when a document is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from imagetailor.analysis.model import Analysis

FORMATS = ("cyclonedx-json", "spdx-json")
MEDIA_TYPES = {
    "cyclonedx-json": "application/vnd.cyclonedx+json",
    "spdx-json": "application/spdx+json",
}


def sbom_document(analysis: Analysis, fmt: str = "cyclonedx-json") -> tuple[bytes, str]:
    """The SBOM of ``analysis`` in ``fmt`` (one of FORMATS) and its media type."""
    if fmt == "cyclonedx-json":
        from imagetailor.sbom.cyclonedx import cyclonedx_json

        return cyclonedx_json(analysis).encode(), MEDIA_TYPES[fmt]
    if fmt == "spdx-json":
        from imagetailor.sbom.spdx import spdx_json

        return spdx_json(analysis).encode(), MEDIA_TYPES[fmt]
    raise ValueError(f"unknown SBOM format {fmt!r}: one of {', '.join(FORMATS)}")
