"""Options several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

ENGINES = ("docker", "podman")


def output_options(func: F) -> F:
    """``-o/--output FILE`` and ``--force``: the result goes to a file, never over one unasked."""
    func = click.option("--force", is_flag=True, help="Let --output replace an existing file.")(
        func
    )
    # No checks by click: report.output.check_output decides what the name is, in one line.
    return click.option(
        "--output",
        "-o",
        type=click.Path(path_type=Path, allow_dash=True),
        help="Write the result to this file instead of stdout (never over an existing file; "
        "- is stdout; a pipe or terminal is written into).",
    )(func)


def directory_option(func: F) -> F:
    return click.option(
        "--dir",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        help="The application's folder (default: the current one).",
    )(func)


def base_map_option(func: F) -> F:
    return click.option(
        "--base-map",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Map upstream base images to others (TOML); also TAILOR_BASE_MAP.",
    )(func)


def engine_option(func: F) -> F:
    return click.option("--engine", type=click.Choice(ENGINES), default="docker")(func)


def refuse_existing(output: Path | None, force: bool) -> None:
    """Fail before the (possibly long) work when --output cannot be written: an existing file
    without --force, a directory, a link not to follow, a name too long (report.output)."""
    if output is not None:
        from imagetailor.report.output import check_output

        check_output(output, force)


def emit(text: str, output: Path | None, force: bool) -> None:
    """The result on stdout, or whole in the --output file (see report.output.write_output)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from imagetailor.report.output import write_output

    write_output(text, output, force=force)


def emit_rich(renderable: object, width: int | None, output: Path | None, force: bool) -> None:
    """A rich table on stdout as rich prints it, or as plain text (no colour codes) in the file."""
    from rich.console import Console

    if output is None:
        Console(width=width).print(renderable)
        return
    buffer = io.StringIO()
    Console(file=buffer, width=width or 120, color_system=None).print(renderable)
    emit(buffer.getvalue(), output, force)
