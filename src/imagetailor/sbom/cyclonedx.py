"""CycloneDX 1.6 JSON with cyclonedx-python-lib: the image is the BOM's subject (a
``container`` component, its base image as pedigree ancestor), every package a component with
its purl, licences, and where it came from (properties and evidence occurrences)."""

from __future__ import annotations

from collections.abc import Iterable

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.exception.factory import (
    InvalidLicenseExpressionException,
    InvalidSpdxLicenseException,
)
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType, Pedigree
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from imagetailor import __version__
from imagetailor.analysis.model import Analysis, PackageInfo
from imagetailor.sbom.identity import PROPERTY, Identity, identity, layer_of, split_name

License = LicenseExpression | DisjunctiveLicense


def licenses(names: Iterable[str]) -> list[License]:
    """One declared expression as an expression; several as a list of licences (CycloneDX
    allows one expression or a list, not both), each an SPDX id when it is one, else a name."""
    factory = LicenseFactory()
    names = list(names)
    if len(names) == 1:
        return [factory.make_from_string(names[0])]
    found: list[License] = []
    for name in names:
        try:
            found.append(factory.make_with_id(name))
        except (InvalidSpdxLicenseException, InvalidLicenseExpressionException):
            found.append(factory.make_with_name(name))
    return found


def _purl(text: str | None) -> PackageURL | None:
    try:
        return PackageURL.from_string(text) if text else None
    except ValueError:
        return None


def image_component(image: Identity, analysis: Analysis) -> Component:
    properties = [
        Property(name=f"{PROPERTY}:image:reference", value=analysis.reference),
        Property(name=f"{PROPERTY}:image:id", value=image.image_id),
    ]
    if analysis.manifest_digest:
        properties.append(
            Property(name=f"{PROPERTY}:image:manifestDigest", value=analysis.manifest_digest)
        )
    for layer in analysis.layers:
        properties.append(
            Property(name=f"{PROPERTY}:image:layer:{layer.index}:diffID", value=layer.diff_id or "")
        )
    pedigree = None
    if image.base_name or image.base_digest:
        base_name, base_tag = split_name(image.base_name or "base")
        qualifiers = {"repository_url": base_name, **({"tag": base_tag} if base_tag else {})}
        base_purl = PackageURL(
            type="oci",
            name=base_name.rsplit("/", 1)[-1].lower(),
            version=image.base_digest,
            qualifiers=qualifiers,
        )
        base = Component(
            type=ComponentType.CONTAINER,
            name=base_name,
            version=image.base_digest or base_tag,
            bom_ref="image-base",
            purl=base_purl,
        )
        pedigree = Pedigree(ancestors=[base])
    return Component(
        type=ComponentType.CONTAINER,
        name=image.name,
        version=image.digest,
        bom_ref="image",
        purl=_purl(image.purl),
        properties=properties,
        pedigree=pedigree,
    )


def package_component(analysis: Analysis, package: PackageInfo, ref: str) -> Component:
    properties = [Property(name=f"{PROPERTY}:package:manager", value=package.manager)]
    if package.source:
        properties.append(Property(name=f"{PROPERTY}:package:source", value=package.source))
    layer = layer_of(analysis, package)
    if layer is not None:
        properties += [
            Property(name=f"{PROPERTY}:layer:index", value=str(layer.index)),
            Property(name=f"{PROPERTY}:layer:diffID", value=layer.diff_id or ""),
        ]
        if layer.created_by:
            properties.append(Property(name=f"{PROPERTY}:layer:createdBy", value=layer.created_by))
    evidence = None
    if package.path:
        evidence = ComponentEvidence(occurrences=[Occurrence(location=package.path)])
        properties.append(Property(name=f"{PROPERTY}:location:path", value=package.path))
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.version,
        bom_ref=ref,
        purl=_purl(package.purl),
        licenses=licenses(package.licenses),
        properties=properties,
        evidence=evidence,
    )


def cyclonedx_json(analysis: Analysis) -> str:
    image = identity(analysis)
    bom = Bom()
    root = image_component(image, analysis)
    bom.metadata.component = root
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="imagetailor", version=__version__)
    )
    used: set[str] = set()
    components = []
    for index, package in enumerate(analysis.packages):
        ref = package.purl or f"package-{index}"
        if ref in used:  # the same package in two places: two components
            ref = f"{ref}#{index}"
        used.add(ref)
        components.append(package_component(analysis, package, ref))
    release = analysis.os_release
    if release is not None:
        # Scanners (trivy) take the distribution from this component to pick the advisories
        # for the deb/apk packages; without it they match none of them.
        system = Component(
            type=ComponentType.OPERATING_SYSTEM,
            name=release.id,
            version=release.version_id,
            bom_ref=f"os-{release.id}",
            description=release.pretty_name,
        )
        bom.components.add(system)
        bom.register_dependency(root, [system])
    bom.components.update(components)
    bom.register_dependency(root, components)
    return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"
