"""``tailor push REPO [PURPOSE...]``: push the project's images, checked, with their reports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from imagetailor.cli.options import (
    directory_option,
    emit,
    engine_endpoint,
    engine_location_options,
    output_options,
    refuse_existing,
)
from imagetailor.pipeline.publish import PushedPurpose, push_purposes
from imagetailor.project.model import load_project


def say_pushed(result: PushedPurpose) -> None:
    pushed = result.pushed
    tags = ", ".join(f"{pushed.repository}:{tag}" for tag in pushed.tags)
    click.echo(
        f"pushed {tags} as {pushed.digest} ({pushed.uploaded} blobs sent); "
        f"check report {result.report.digest} attached via {result.report.via}",
        err=True,
    )


def render_pushed(results: list[PushedPurpose], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.as_json() for r in results], indent=2) + "\n"
    lines = [f"{len(results)} image(s) pushed, each with its check report attached"]
    for r in results:
        lines.append(f"{r.purpose:<8} {r.pushed.repository}@{r.pushed.digest}")
        lines.append(f"{'':<8} tags {', '.join(r.pushed.tags)}; report {r.report.digest}")
    return "\n".join(lines) + "\n"


@click.command("push")
@click.argument("repository", metavar="REPO")
@click.argument("purposes", nargs=-1)
@directory_option
@engine_location_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@output_options
def command(
    repository: str,
    purposes: tuple[str, ...],
    directory: Path,
    engine_host: str | None,
    engine_context: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
) -> int:
    """Check each purpose's image (all by default) and push it as REPO:VERSION-PURPOSE (deploy
    also as REPO:VERSION), its check report attached as an OCI referrer of the manifest.

    Credentials come from the docker config (DOCKER_CONFIG, ~/.docker/config.json); a
    registry with a private CA needs SSL_CERT_FILE. Nothing is pushed unless every image fits.

    \b
    Examples:
      tailor push registry.example.com/shop/api
      tailor push localhost:5000/api deploy --format json
    """
    refuse_existing(output, force)
    spec, _bases = load_project(directory)
    endpoint = engine_endpoint(engine_host, engine_context)
    results = push_purposes(
        spec, directory, repository, list(purposes), on_pushed=say_pushed, endpoint=endpoint
    )
    emit(render_pushed(results, fmt), output, force)
    return 0
