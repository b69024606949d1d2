"""``tailor rules``: every rule with its id, severity and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from imagetailor.cli.options import emit, emit_rich, output_options, refuse_existing
from imagetailor.rules import all_rules


@click.command("rules")
@click.option(
    "--scope",
    type=click.Choice(["all", "image", "dockerfile"]),
    default="all",
    help="Image policy rules (tailor check), Dockerfile rules (tailor lint), or both.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@output_options
def command(scope: str, fmt: str, output: Path | None, force: bool) -> int:
    """List every rule: id, severity, what it means and how to fix it."""
    refuse_existing(output, force)
    rules = [r for r in all_rules() if scope in ("all", r.scope)]
    if fmt == "json":
        emit(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": r.severity.value,
                        "scope": r.scope,
                        "title": r.title,
                        "explanation": r.explanation,
                        "fix": r.fix,
                    }
                    for r in rules
                ],
                indent=2,
            )
            + "\n",
            output,
            force,
        )
        return 0
    table = Table(show_lines=True)
    for column in ("rule", "severity", "scope", "what and why", "fix"):
        table.add_column(column)
    for r in rules:
        table.add_row(r.id, r.severity.value, r.scope, f"[b]{r.title}[/b]\n{r.explanation}", r.fix)
    emit_rich(table, None, output, force)
    return 0
