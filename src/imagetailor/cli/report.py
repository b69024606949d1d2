"""``tailor report REF -o report.html``: one self-contained page to look at an image."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from imagetailor.cli.options import (
    emit,
    output_options,
    platform_option,
    policy_config_option,
    refuse_existing,
)

DEFAULT_PURPOSES = ("deploy", "ci", "local", "dev")


def report_for(
    reference: str,
    platform: str | None,
    purposes: tuple[str, ...],
    config_path: Path | None,
) -> dict[str, Any]:
    """Read ``reference`` once and judge it for each purpose: the report document."""
    from imagetailor.cli.analyzing import analyze_reference_files
    from imagetailor.policy.evaluate import evaluate, policy_rule_ids
    from imagetailor.policy.settings import read_config, resolve
    from imagetailor.report.page import report_document

    tables, source = read_config(config_path)
    # Every purpose is resolved before the image is read: a typo fails at once.
    settings = [
        resolve(p, tables, source or "tailor.toml", known_rules=policy_rule_ids()) for p in purposes
    ]
    analysis, files = analyze_reference_files(reference, platform)
    checks = [evaluate(analysis, s) for s in settings]
    return report_document(analysis, files, checks)


def write_built_reports(directory: Path, built: list[tuple[str, str, object]], force: bool) -> None:
    """`tailor build --report DIR`: DIR/PURPOSE.html for each (purpose, tag, check report)
    built, with the verdict the build already reached. The image is read again from the engine
    (the build's check does not keep every path), one image at a time."""
    from imagetailor.cli.analyzing import analyze_reference_files
    from imagetailor.policy.findings import CheckReport
    from imagetailor.report.output import write_output
    from imagetailor.report.page import report_document

    for purpose, tag, check in built:
        analysis, files = analyze_reference_files(f"docker-daemon:{tag}", None)
        checks = [check] if isinstance(check, CheckReport) else []
        page = render(report_document(analysis, files, checks), "html")
        write_output(page, report_path(directory, purpose), force=force)
        click.echo(f"wrote {report_path(directory, purpose)} for {tag}", err=True)


def report_path(directory: Path, purpose: str) -> Path:
    return directory / f"{purpose}.html"


def check_report_directory(directory: Path, purposes: list[str], force: bool) -> None:
    """Before building: DIR is (or can be made) a directory, and no report in it would be
    replaced unasked."""
    from imagetailor.errors import UsageError
    from imagetailor.report.output import check_output

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--report {directory}: not a directory")
    try:
        directory.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--report {directory}: {exc.strerror or exc}") from None
    for purpose in purposes:
        check_output(report_path(directory, purpose), force)


def render(document: dict[str, Any], fmt: str) -> str:
    from imagetailor.report.htmlpage import render_report_html
    from imagetailor.report.page import render_report_json

    return render_report_json(document) if fmt == "json" else render_report_html(document)


@click.command("report")
@click.argument("reference")
@platform_option
@click.option(
    "--purpose",
    "-p",
    "purposes",
    multiple=True,
    help="A purpose to judge the image for (repeatable; default: deploy, ci, local, dev).",
)
@policy_config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("html", "json")),
    default="html",
    show_default=True,
    help="The self-contained page, or the data it shows as JSON.",
)
@output_options
def command(
    reference: str,
    platform: str | None,
    purposes: tuple[str, ...],
    config_path: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
) -> int:
    """Write one self-contained HTML page about an image: the verdict per purpose, a zoomable
    treemap of its files, the layers, waste (dive's figures beside ours), tools, packages,
    secrets (redacted) and the findings with their fixes. It fetches nothing when opened.

    Exit 0 when the report is written (the verdicts are in it), 2 on bad input.

    \b
    Examples:
      tailor report app:1.4.2 -o app.html     every purpose's verdict, one page
      tailor report docker-archive:app.tar -p deploy -o deploy.html
      tailor report oci:build/layout:1.4.2 --format json -o report.json
    """
    refuse_existing(output, force)
    document = report_for(reference, platform, purposes or DEFAULT_PURPOSES, config_path)
    emit(render(document, fmt), output, force)
    if output is not None and str(output) != "-":
        verdicts = ", ".join(
            f"{v['purpose']} {'fit' if v['fit'] else 'NOT FIT'}" for v in document["verdicts"]
        )
        click.echo(f"wrote {output}: {verdicts}", err=True)
    return 0
