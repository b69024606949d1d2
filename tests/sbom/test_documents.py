"""Both SBOM formats: valid against their official schema / validator, the analysis's packages
(by purl) with licences, layers and instructions, and the image's identity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from imagetailor.sbom import FORMATS, sbom_document
from tests.analysis.analyzers.samples import several_ecosystems
from tests.imagefactory import memory_image

BASE = {
    "org.opencontainers.image.base.name": "registry.example/library/debian:12-slim",
    "org.opencontainers.image.base.digest": "sha256:" + "ab" * 32,
}


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    result = analyze(memory_image(several_ecosystems(), reference="docker://reg.example/app:1.4"))
    result.config.labels.update(BASE)
    return result


def cyclonedx(analysis: Analysis) -> dict[str, Any]:
    document, media_type = sbom_document(analysis, "cyclonedx-json")
    assert media_type == "application/vnd.cyclonedx+json"
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(document.decode())
    assert errors is None, errors
    parsed: dict[str, Any] = json.loads(document)
    return parsed


def spdx(analysis: Analysis, tmp_path: Path) -> dict[str, Any]:
    document, media_type = sbom_document(analysis, "spdx-json")
    assert media_type == "application/spdx+json"
    path = tmp_path / "sbom.spdx.json"
    path.write_bytes(document)
    assert validate_full_spdx_document(parse_file(str(path))) == []
    parsed: dict[str, Any] = json.loads(document)
    return parsed


def test_cyclonedx_is_valid_and_lists_every_package(analysis: Analysis) -> None:
    document = cyclonedx(analysis)
    assert document["specVersion"] == "1.6"
    purls = sorted(c["purl"] for c in document["components"] if c["type"] == "library")
    [system] = [c for c in document["components"] if c["type"] == "operating-system"]
    assert (system["name"], system["version"]) == ("debian", "12")
    assert purls == sorted(p.purl or "" for p in analysis.packages)
    assert len(purls) == 20
    by_name = {c["name"]: c for c in document["components"]}
    rack = by_name["rack"]
    props = {p["name"]: p["value"] for p in rack["properties"]}
    layer = analysis.layers[1]
    assert props["imagetailor:layer:index"] == "1"
    assert props["imagetailor:layer:diffID"] == layer.diff_id
    assert props["imagetailor:layer:createdBy"] == layer.created_by
    assert rack["licenses"] == [{"license": {"id": "MIT"}}]
    assert rack["evidence"]["occurrences"] == [
        {"location": "/usr/local/bundle/specifications/rack-3.0.8.gemspec"}
    ]
    # Several licences are a list: an SPDX id where the name is one (case aside), else a name.
    assert sorted(json.dumps(x) for x in by_name["bash"]["licenses"]) == [
        '{"license": {"id": "BSD-4-Clause-UC"}}', '{"license": {"name": "GPL-3"}}',
        '{"license": {"name": "GPL-3+"}}',
    ]  # fmt: skip


def test_cyclonedx_names_the_image_and_its_base(analysis: Analysis) -> None:
    image = cyclonedx(analysis)["metadata"]["component"]
    assert image["type"] == "container"
    assert image["name"] == "reg.example/app"
    assert image["version"] == analysis.manifest_digest
    assert image["purl"].startswith(f"pkg:oci/app@{analysis.manifest_digest}?")
    assert "tag=1.4" in image["purl"]
    props = {p["name"]: p["value"] for p in image["properties"]}
    assert props["imagetailor:image:id"] == analysis.config_digest
    [base] = image["pedigree"]["ancestors"]
    assert base["name"] == "registry.example/library/debian"
    assert base["version"] == BASE["org.opencontainers.image.base.digest"]


def test_spdx_is_valid_with_purls_licences_and_relationships(
    analysis: Analysis, tmp_path: Path
) -> None:
    document = spdx(analysis, tmp_path)
    assert document["spdxVersion"] == "SPDX-2.3"
    packages = {p["SPDXID"]: p for p in document["packages"]}
    image, base = packages["SPDXRef-Image"], packages["SPDXRef-BaseImage"]
    assert image["primaryPackagePurpose"] == "CONTAINER"
    assert image["versionInfo"] == analysis.manifest_digest
    assert base["name"] == BASE["org.opencontainers.image.base.name"]
    contained = {
        r["relatedSpdxElement"]
        for r in document["relationships"]
        if r["spdxElementId"] == "SPDXRef-Image" and r["relationshipType"] == "CONTAINS"
    }
    assert packages["SPDXRef-OperatingSystem"]["primaryPackagePurpose"] == "OPERATING_SYSTEM"
    purls = sorted(
        ref["referenceLocator"]
        for spdx_id in contained
        for ref in packages[spdx_id].get("externalRefs", [])
    )
    assert purls == sorted(p.purl or "" for p in analysis.packages)
    assert {
        "spdxElementId": "SPDXRef-Image",
        "relationshipType": "DESCENDANT_OF",
        "relatedSpdxElement": "SPDXRef-BaseImage",
    } in document["relationships"]
    by_name = {p["name"]: p for p in document["packages"]}
    assert by_name["express"]["licenseDeclared"] == "MIT"
    assert by_name["bash"]["licenseDeclared"] == (
        "LicenseRef-GPL-3-plus AND BSD-4-Clause-UC AND LicenseRef-GPL-3"
    )
    assert by_name["Newtonsoft.Json"]["licenseDeclared"] == "NOASSERTION"
    assert "added by: " in by_name["rack"]["sourceInfo"]
    refs = {e["licenseId"] for e in document["hasExtractedLicensingInfos"]}
    assert refs >= {"LicenseRef-GPL-3-plus", "LicenseRef-Apache-2.0"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_image_without_packages_is_still_a_valid_document(fmt: str, tmp_path: Path) -> None:
    from tests.imagefactory import File, ImageSpec, LayerSpec

    empty = analyze(memory_image(ImageSpec([LayerSpec([File("hello", "hi")])])))
    if fmt == "cyclonedx-json":
        assert "components" not in cyclonedx(empty) or cyclonedx(empty)["components"] == []
    else:
        assert len(spdx(empty, tmp_path)["packages"]) == 1
