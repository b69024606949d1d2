"""``tailor lint``: purpose-aware Dockerfile rules, hadolint-compatible where they overlap."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from imagetailor.cli.options import emit, output_options, refuse_existing
from imagetailor.errors import UsageError
from imagetailor.lint.config import LintConfig, load_config, parse_target_option
from imagetailor.lint.engine import Finding, exceeds, lint_bytes, lint_path
from imagetailor.lint.formats import FORMATS, render
from imagetailor.lint.parse import MAX_DOCKERFILE_BYTES
from imagetailor.rules import Severity

THRESHOLDS = ("error", "warning", "info", "style", "none")


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--target",
    "target_options",
    multiple=True,
    metavar="NAME=PURPOSE",
    help="Give a target (stage) its purpose: deploy, ci, local or dev. Repeatable.",
)
@click.option(
    "--threshold",
    type=click.Choice(THRESHOLDS),
    default=None,
    help="Exit 1 when a finding is at or above this severity (default: info, like hadolint; "
    "style findings alone never fail). 'none' never fails.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="tailor.toml with a [lint] table (default: ./tailor.toml when present).",
)
@click.option(
    "--context",
    "context_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The build context (where .dockerignore is looked for); default: each Dockerfile's "
    "directory.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text")
@output_options
def command(
    paths: tuple[Path, ...],
    target_options: tuple[str, ...],
    threshold: str | None,
    config_path: Path | None,
    context_dir: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
) -> int:
    """Lint Dockerfiles (default ./Dockerfile; - reads stdin) against each target's purpose.

    hadolint's pragmas (# hadolint ignore=DL3008) work for the hadolint rules we share;
    `tailor rules ID` explains any rule.

    \b
    Examples:
      tailor lint                      ./Dockerfile, purposes from stage names
      tailor lint Dockerfile.tailor --target web=deploy --threshold warning
      cat Dockerfile | tailor lint - --format sarif -o lint.sarif
    """
    refuse_existing(output, force)
    config = _config(config_path)
    targets = dict(parse_target_option(option, config.custom_purposes) for option in target_options)
    chosen = threshold or config.threshold or "info"
    if chosen not in THRESHOLDS:
        raise UsageError(f"threshold {chosen!r}: use one of {', '.join(THRESHOLDS)}")
    files = list(paths) or [Path("Dockerfile")]
    findings: list[Finding] = []

    def warn(message: str) -> None:
        click.echo(f"tailor: warning: {message}", err=True)

    for path in files:
        if str(path) == "-":  # hadolint's convention: the Dockerfile on stdin
            raw = sys.stdin.buffer.read(MAX_DOCKERFILE_BYTES + 1)
            findings.extend(lint_bytes(raw, "-", config, targets, context_dir, warn))
        else:
            findings.extend(lint_path(path, config, targets, context_dir=context_dir, warn=warn))
    rendered = render(findings, [str(p) for p in files], fmt)
    if rendered or output is not None:
        emit(rendered + "\n" if rendered else "", output, force)
    if fmt == "text":
        summary = f"{len(findings)} finding(s) in {len(files)} file(s)"
        click.echo(summary, err=True)
    return 1 if exceeds(findings, None if chosen == "none" else Severity(chosen)) else 0


def _config(config_path: Path | None) -> LintConfig:
    if config_path is not None:
        return load_config(config_path)
    default = Path("tailor.toml")
    return load_config(default) if default.is_file() else LintConfig()
