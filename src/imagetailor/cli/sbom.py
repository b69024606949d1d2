"""``tailor sbom REF``: the image's software bill of materials, CycloneDX or SPDX JSON."""

from __future__ import annotations

from pathlib import Path

import click

from imagetailor.cli.analyzing import analyze_reference
from imagetailor.cli.options import (
    cache_option,
    emit,
    output_options,
    platform_option,
    refuse_existing,
)
from imagetailor.sbom import FORMATS


@click.command("sbom")
@click.argument("reference")
@platform_option
@click.option(
    "--format",
    "sbom_format",
    type=click.Choice(FORMATS),
    default="cyclonedx-json",
    show_default=True,
    help="CycloneDX 1.6 JSON or SPDX 2.3 JSON.",
)
@cache_option
@output_options
def command(
    reference: str,
    platform: str | None,
    sbom_format: str,
    no_cache: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Write the software bill of materials of an image: every package the analysis finds,
    with its purl, declared licence, and the layer and instruction that added it, and the
    image's own identity (digest, image ID, labelled base image).

    REFERENCE is any image reference `tailor inspect` takes. The document feeds scanners:
    `trivy sbom FILE`, `grype sbom:FILE` (docs/sbom.md).

    \b
    Examples:
      tailor sbom app:1.4.2 -o app.cdx.json
      tailor sbom docker-archive:app.tar --format spdx-json -o app.spdx.json
    """
    refuse_existing(output, force)
    analysis = analyze_reference(reference, platform, cache=not no_cache)
    from imagetailor.sbom import sbom_document

    document, _media_type = sbom_document(analysis, sbom_format)
    emit(document.decode(), output, force)
    return 0
