"""SPDX 2.3 JSON with spdx-tools: the document DESCRIBES the image (a CONTAINER package), which
CONTAINS every package and is a DESCENDANT_OF its labelled base image. Each package has its
purl as a package-manager reference, its declared licence (a licence that is not an SPDX
expression becomes a LicenseRef with the text as written), and in ``sourceInfo`` the file,
layer and instruction it came from. The writer validates the document before writing it."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime

from boolean.boolean import Expression
from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.extracted_licensing_info import ExtractedLicensingInfo
from spdx_tools.spdx.model.package import (
    ExternalPackageRef,
    ExternalPackageRefCategory,
    Package,
    PackagePurpose,
)
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from imagetailor import __version__
from imagetailor.analysis.model import Analysis
from imagetailor.sbom.identity import identity, origin

NAMESPACE = "https://imagetailor.invalid/spdx"  # never fetched: SPDX wants a unique URI


class _Licenses:
    """Declared licences as SPDX expressions; the rest as LicenseRefs, each listed once."""

    def __init__(self) -> None:
        self.extracted: dict[str, ExtractedLicensingInfo] = {}

    def expression(self, names: list[str]) -> Expression | SpdxNoAssertion:
        if not names:
            return SpdxNoAssertion()
        parts = [self._one(name) for name in names]
        return spdx_licensing.parse(" AND ".join(f"({p})" for p in parts))

    def _one(self, name: str) -> str:
        try:
            parsed = spdx_licensing.parse(name, validate=True, strict=True)
            if parsed is not None:
                return str(parsed)
        except Exception:  # license-expression raises several kinds for what is not SPDX
            pass
        # Debian's "GPL-2+" is "or later": kept readable in the id, the text as written.
        plain = re.sub(r"[^A-Za-z0-9.-]+", "-", name.replace("+", "-plus")).strip("-")
        ref = "LicenseRef-" + (plain or "unnamed")
        if ref not in self.extracted:
            self.extracted[ref] = ExtractedLicensingInfo(
                license_id=ref,
                extracted_text=name,
                license_name=name,
                comment="as the package's record declares it",
            )
        return ref


def spdx_json(analysis: Analysis) -> str:
    image = identity(analysis)
    created = datetime.now(UTC).replace(microsecond=0)
    info = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"{image.name}@{image.digest}",
        document_namespace=f"{NAMESPACE}/{image.name}-{uuid.uuid4()}",
        creators=[Actor(ActorType.TOOL, f"imagetailor-{__version__}")],
        created=created,
        data_license="CC0-1.0",
    )
    root = Package(
        spdx_id="SPDXRef-Image",
        name=image.name,
        version=image.digest,
        download_location=SpdxNoAssertion(),
        files_analyzed=False,
        primary_package_purpose=PackagePurpose.CONTAINER,
        external_references=[
            ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", image.purl)
        ],
        source_info=f"image {analysis.reference}; image ID {image.image_id}",
    )
    packages = [root]
    relationships = [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, "SPDXRef-Image")]
    if image.base_name or image.base_digest:
        base = Package(
            spdx_id="SPDXRef-BaseImage",
            name=image.base_name or "base",
            version=image.base_digest,
            download_location=SpdxNoAssertion(),
            files_analyzed=False,
            primary_package_purpose=PackagePurpose.CONTAINER,
            comment="the base image the image's labels name (org.opencontainers.image.base.*)",
        )
        packages.append(base)
        relationships.append(
            Relationship("SPDXRef-Image", RelationshipType.DESCENDANT_OF, "SPDXRef-BaseImage")
        )
    if analysis.os_release is not None:
        # Scanners (trivy) take the distribution from this package to pick advisories.
        release = analysis.os_release
        packages.append(
            Package(
                spdx_id="SPDXRef-OperatingSystem",
                name=release.id,
                version=release.version_id,
                download_location=SpdxNoAssertion(),
                files_analyzed=False,
                primary_package_purpose=PackagePurpose.OPERATING_SYSTEM,
                summary=release.pretty_name,
            )
        )
        relationships.append(
            Relationship("SPDXRef-Image", RelationshipType.CONTAINS, "SPDXRef-OperatingSystem")
        )
    licenses = _Licenses()
    for index, package in enumerate(analysis.packages):
        spdx_id = f"SPDXRef-Package-{package.manager}-{index}"
        refs = []
        if package.purl:
            refs.append(
                ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", package.purl)
            )
        packages.append(
            Package(
                spdx_id=re.sub(r"[^A-Za-z0-9.-]", "-", spdx_id),
                name=package.name,
                version=package.version or None,
                download_location=SpdxNoAssertion(),
                files_analyzed=False,
                license_declared=licenses.expression(package.licenses),
                license_concluded=SpdxNoAssertion(),
                copyright_text=SpdxNoAssertion(),
                external_references=refs,
                source_info=origin(analysis, package),
                primary_package_purpose=PackagePurpose.LIBRARY,
            )
        )
        relationships.append(
            Relationship("SPDXRef-Image", RelationshipType.CONTAINS, packages[-1].spdx_id)
        )
    document = Document(
        creation_info=info,
        packages=packages,
        relationships=relationships,
        extracted_licensing_info=list(licenses.extracted.values()),
    )
    out = io.StringIO()
    write_document_to_stream(document, out, validate=True)
    return out.getvalue() + "\n"
