"""Options several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from imagetailor.engine.endpoint import Endpoint

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


def platform_option(func: F) -> F:
    return click.option(
        "--platform", help="os/arch[/variant] to pick from a multi-platform index."
    )(func)


def policy_config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="tailor.toml with [policy.<purpose>] tables (default ./tailor.toml if present).",
    )(func)


def base_map_option(func: F) -> F:
    return click.option(
        "--base-map",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Map upstream base images to others (TOML); also TAILOR_BASE_MAP.",
    )(func)


def engine_option(func: F) -> F:
    """``--engine`` (which kind of engine) with ``--engine-host``/``--engine-context`` (where)."""
    func = engine_location_options(func)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="docker",
        help="Which kind of engine builds and runs (default docker).",
    )(func)


def engine_location_options(func: F) -> F:
    """Where the engine runs; without them, as the docker CLI resolves it (DOCKER_HOST,
    DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, DOCKER_CONTEXT, the config's current context)."""
    func = click.option(
        "--engine-context",
        metavar="NAME",
        help="A docker context (`docker context ls`) naming the engine's host and TLS files.",
    )(func)
    return click.option(
        "--engine-host",
        metavar="URL",
        help="The engine's address: unix:///PATH, tcp://HOST:PORT (TLS from DOCKER_TLS_VERIFY "
        "and DOCKER_CERT_PATH) or ssh://[USER@]HOST; default DOCKER_HOST, else the local socket.",
    )(func)


def builder_option(func: F) -> F:
    return click.option(
        "--builder",
        metavar="NAME",
        help="A buildx builder (`docker buildx ls`): a remote or Kubernetes BuildKit; needs "
        "buildx, and `tailor build` then bakes every purpose in one go.",
    )(func)


def engine_endpoint(host: str | None, context: str | None) -> Endpoint:
    """The endpoint these options (or the environment) name."""
    from imagetailor.engine.endpoint import resolve_endpoint

    return resolve_endpoint(host, context)


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


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def terminal_style() -> tuple[int, bool]:
    """Width and colour for text on stdout, the same for every command.

    Width: $COLUMNS when set (a pipe has no width of its own, and scripts set it), else the
    terminal's, else 120. Colour: only on a terminal, and never when NO_COLOR is set to anything
    (no-color.org) or TERM is dumb.
    """
    columns = os.environ.get("COLUMNS", "").strip()
    tty = stdout_is_terminal()
    if columns.isdigit() and int(columns) >= 20:
        width = int(columns)
    elif tty:
        width = max(shutil.get_terminal_size().columns, 80)
    else:
        width = 120
    color = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    return width, color


def emit_rich(renderable: object, width: int | None, output: Path | None, force: bool) -> None:
    """A rich table on stdout as rich prints it, or as plain text (no colour codes) in the file."""
    from rich.console import Console

    if output is None:
        shown_width, color = terminal_style()
        Console(
            width=width or shown_width,
            no_color=not color,
            color_system="standard" if color else None,
            highlight=color,
        ).print(renderable)
        return
    buffer = io.StringIO()
    Console(file=buffer, width=width or 120, color_system=None).print(renderable)
    emit(buffer.getvalue(), output, force)


def cache_option(func: F) -> F:
    """``--no-cache``: read every layer, neither using nor filling the layer cache."""
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Read every layer again (the layer cache in ~/.cache/imagetailor/layers is "
        "neither read nor written; see docs/cache.md).",
    )(func)


def vuln_options(func: F) -> F:
    """``--vuln-db PATH`` (or TAILOR_VULN_DB), ``--ignore-vuln ID``, ``--vex FILE``."""
    func = click.option(
        "--vex",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="An OpenVEX document: not_affected/fixed statements suppress findings (repeatable).",
    )(func)
    func = click.option(
        "--ignore-vuln",
        multiple=True,
        metavar="ID",
        help="An advisory id or alias (CVE-...) that does not apply here (repeatable).",
    )(func)
    return click.option(
        "--vuln-db",
        type=click.Path(path_type=Path),
        envvar="TAILOR_VULN_DB",
        metavar="PATH",
        help="Match the packages against an offline OSV database: a directory of *.json "
        "records or a zip (osv.dev's all.zip); also TAILOR_VULN_DB.",
    )(func)
