"""``tailor inspect REF``: what is in an image, what is wasted, which tools, secrets, config."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from imagetailor.cli.analyzing import analyze_reference, inspect_json_or_analysis
from imagetailor.cli.options import (
    cache_option,
    engine_location_options,
    output_options,
    platform_option,
    refuse_existing,
    terminal_style,
    vuln_options,
)
from imagetailor.errors import UsageError
from imagetailor.report.formats import INSPECT_FORMATS
from imagetailor.sbom import FORMATS as SBOM_FORMATS

if TYPE_CHECKING:
    from imagetailor.engine.endpoint import Endpoint


@click.command("inspect")
@click.argument("reference")
@platform_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(INSPECT_FORMATS),
    default="text",
    show_default=True,
    help="Readable tables, or the full analysis as JSON.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many biggest and hidden files the tables show.",
)
@click.option(
    "--sbom",
    "sbom_path",
    type=click.Path(path_type=Path, allow_dash=False),
    metavar="FILE",
    help="Also write the image's SBOM to FILE (from the same pass; --force to replace).",
)
@click.option(
    "--sbom-format",
    type=click.Choice(SBOM_FORMATS),
    default="cyclonedx-json",
    show_default=True,
    help="The --sbom document's format.",
)
@engine_location_options
@vuln_options
@cache_option
@output_options
def command(
    reference: str,
    platform: str | None,
    fmt: str,
    top: int,
    sbom_path: Path | None,
    sbom_format: str,
    vuln_db: Path | None,
    ignore_vuln: tuple[str, ...],
    vex: tuple[Path, ...],
    engine_host: str | None,
    engine_context: str | None,
    no_cache: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Read an image in one pass and show its layers, waste, tools, packages, secrets and config.

    REFERENCE is docker-archive:PATH, oci:DIR[:REF], oci-archive:PATH[:REF],
    docker-daemon:NAME[:TAG], docker://HOST/REPO[:TAG|@DIGEST], or a path to an archive or
    layout. `--format json` is the documented contract (docs/json-contract.md) and can be fed
    back to `tailor check --analysis`.

    \b
    Examples:
      tailor inspect docker-archive:app.tar
      tailor inspect app:1.4.2 --format json -o app.json  # check --analysis
      tailor inspect app:1.4.2 --vuln-db osv/all.zip --sbom app.cdx.json
    """
    refuse_existing(output, force)  # before reading the image, not after
    refuse_existing(sbom_path, force)
    if sbom_path is not None and output is not None and sbom_path.absolute() == output.absolute():
        raise UsageError("--sbom and --output name the same file")
    endpoint = _endpoint(engine_host, engine_context)
    from imagetailor.report.output import write_output

    if fmt == "json" and not (no_cache or vuln_db or ignore_vuln or vex or sbom_path):
        found = inspect_json_or_analysis(reference, platform, endpoint)
        if isinstance(found, str):  # this image was analysed before (docs/cache.md)
            if output is not None:
                write_output(found, output, force=force)
            else:
                click.echo(found, nl=False)
            return 0
        analysis = found
    else:
        analysis = analyze_reference(reference, platform, endpoint, cache=not no_cache)
    # Imported after the analysis: the renderers pull in rich and the models, which load while
    # the layer workers read (see cli/analyzing.py).
    from imagetailor.cli.vulnerable import with_vulnerabilities
    from imagetailor.report.inspect import render_inspect

    analysis = with_vulnerabilities(analysis, vuln_db, ignore_vuln, vex)
    if sbom_path is not None:
        from imagetailor.sbom import sbom_document

        document, _media_type = sbom_document(analysis, sbom_format)
        write_output(document.decode(), sbom_path, force=force)
    if output is not None:
        write_output(render_inspect(analysis, fmt, top=top), output, force=force)
        return 0
    width, color = terminal_style()
    click.echo(render_inspect(analysis, fmt, top=top, width=width, color=color), nl=False)
    return 0


def _endpoint(host: str | None, context: str | None) -> Endpoint | None:
    """The engine a docker-daemon: reference is read from, when an option names one."""
    if host is None and context is None:
        return None  # the reader resolves DOCKER_HOST and contexts itself
    from imagetailor.cli.options import engine_endpoint

    return engine_endpoint(host, context)
