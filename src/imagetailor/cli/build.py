"""``tailor build [PURPOSE...]``: build each purpose's image, check it, print one table."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from imagetailor.cli.options import (
    base_map_option,
    directory_option,
    emit,
    emit_rich,
    engine_option,
    output_options,
    refuse_existing,
)
from imagetailor.engine.client import select_client
from imagetailor.errors import UsageError
from imagetailor.generate.files import compare, render_all
from imagetailor.pipeline import PurposeBuild, build_purposes
from imagetailor.policy.sizes import format_size
from imagetailor.project.model import load_project


@click.command("build")
@click.argument("purposes", nargs=-1)
@base_map_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@engine_option
@directory_option
@click.option("--verbose", "-v", is_flag=True, help="Stream the engine's build log to stderr.")
@output_options
def command(
    purposes: tuple[str, ...],
    base_map: Path | None,
    fmt: str,
    engine: str,
    directory: Path,
    verbose: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Build the images (all purposes by default), then check each against its purpose."""
    err = Console(stderr=True)
    refuse_existing(output, force)
    spec, bases = load_project(directory, base_map)
    for purpose in purposes:
        spec.base_purpose(purpose)  # an unknown purpose is a usage error before any probing
    if not (directory / "Dockerfile").is_file():
        raise UsageError(f"{directory / 'Dockerfile'} does not exist: run `tailor generate` first")
    stale = [
        s.name
        for s in compare(directory, render_all(spec, directory))
        if s.state in ("out-of-date", "missing")
    ]
    if stale:
        err.print(
            f"[yellow]warning:[/yellow] {', '.join(stale)} out of date with tailor.toml "
            "(building what is on disk; run `tailor generate` to refresh)"
        )
    client = select_client(engine)

    def on_line(line: str) -> None:
        if verbose:
            err.out(line, highlight=False)

    def on_built(result: PurposeBuild) -> None:
        verdict = "fit" if result.check.fit else "NOT FIT: " + ", ".join(result.check.failed_rules)
        err.print(f"built {result.tag} in {result.seconds:.1f}s; {verdict}")

    results = build_purposes(
        directory, spec, bases, list(purposes), client=client, on_line=on_line, on_built=on_built
    )
    if fmt == "json":
        emit(json.dumps([r.as_json() for r in results], indent=2) + "\n", output, force)
    else:
        table = Table()
        for column in ("purpose", "tag", "size", "layers", "build time", "check"):
            table.add_column(column)
        for r in results:
            check = "fit" if r.check.fit else "NOT FIT " + " ".join(r.check.failed_rules)
            table.add_row(
                r.purpose,
                r.tag,
                format_size(r.size_bytes),
                str(r.layers),
                f"{r.seconds:.1f}s",
                f"{check} ({r.check.findings} findings)",
            )
        emit_rich(table, 160, output, force)
    return 0 if all(r.check.fit for r in results) else 1
