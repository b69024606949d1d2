"""``tailor generate``: write the Dockerfile, .dockerignore, docker-bake.hcl and compose.yaml."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from imagetailor.cli.options import base_map_option, directory_option
from imagetailor.generate.ci import parse_platforms
from imagetailor.generate.files import (
    check_mapped,
    compare,
    output_names,
    render_all,
    write_files,
)
from imagetailor.generate.install import check_spec
from imagetailor.project.model import Spec, load_project


@click.command("generate")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file is out of date.")
@click.option("--force", is_flag=True, help="Overwrite files that imagetailor did not generate.")
@click.option(
    "--ci",
    "ci",
    metavar="PLATFORMS",
    help="Also write CI pipelines: github (.github/workflows/images.yml), gitlab "
    "(.gitlab-ci.yml), comma-separated. Once written, they are kept up to date.",
)
@click.option(
    "--tailor-spec",
    "tailor_spec",
    metavar="SPEC",
    help="How the CI pipelines install imagetailor: a pip requirement (imagetailor==0.1.0, "
    "git+https://HOST/REPO@TAG, a wheel URL). Default: the one they record, else how this "
    "tailor was installed.",
)
@base_map_option
@directory_option
def command(
    check: bool,
    force: bool,
    ci: str | None,
    tailor_spec: str | None,
    base_map: Path | None,
    directory: Path,
) -> int:
    """Generate the Dockerfile and its companions from tailor.toml.

    \b
    Examples:
      tailor generate                         write what tailor.toml changed
      tailor generate --check                 in CI: exit 1 when a file is stale
      tailor generate --ci github,gitlab --tailor-spec 'git+https://HOST/REPO@TAG'
    """
    err = Console(stderr=True)
    platforms = parse_platforms(ci) if ci is not None else []
    if tailor_spec:
        check_spec(tailor_spec)  # before anything is read: one line naming the option
    spec, bases = load_project(directory, base_map)
    rendered = render_all(
        spec,
        directory,
        platforms,
        tailor_spec,
        notice=lambda text: err.print(f"note: {text}", highlight=False, soft_wrap=True),
    )
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
    _beside_the_projects_own(err, spec, directory)
    return 0


def _beside_the_projects_own(err: Console, spec: Spec, directory: Path) -> None:
    """Say where ours went when the project has build files of its own (never touched)."""
    names = output_names(spec, directory)
    dockerfile = spec.generate.dockerfile
    if dockerfile != "Dockerfile":
        err.print(
            f"the project's own Dockerfile is kept: ours is {dockerfile} "
            f"(docker-bake and compose point at it; build it with -f {dockerfile})",
            highlight=False,
        )
    if names["ignore"] != ".dockerignore":
        err.print(
            f"the project's own .dockerignore is kept: ours is {names['ignore']}, its lines "
            f"followed by ours (BuildKit reads it instead for {dockerfile})",
            highlight=False,
        )
    if spec.generate.compose != "compose.yaml":
        err.print(
            f"the project's own compose file is kept: ours is {spec.generate.compose}",
            highlight=False,
        )
