"""``tailor generate``: write the Dockerfile, .dockerignore, docker-bake.hcl and compose.yaml."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from imagetailor.cli.options import base_map_option, directory_option
from imagetailor.generate.files import check_mapped, compare, render_all, write_files
from imagetailor.project.model import load_project


@click.command("generate")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is out of date.")
@click.option("--force", is_flag=True, help="Overwrite files that imagetailor did not generate.")
@base_map_option
@directory_option
def command(check: bool, force: bool, base_map: Path | None, directory: Path) -> int:
    """Generate the Dockerfile and its companions from tailor.toml."""
    err = Console(stderr=True)
    spec, bases = load_project(directory, base_map)
    rendered = render_all(spec, directory)
    check_mapped(spec, directory, bases)
    if check:
        states = compare(directory, rendered)
        stale = [s for s in states if s.state != "up-to-date"]
        for state in states:
            click.echo(f"{state.state}\t{state.name}")
        if stale:
            err.print(f"{len(stale)} file(s) out of date: run `tailor generate`")
            return 1
        return 0
    states = write_files(directory, rendered, force)
    for state in states:
        verb = "unchanged" if state.state == "up-to-date" else "wrote"
        click.echo(f"{verb}\t{state.name}")
    return 0
