"""``tailor rules``: every rule with its id, severity and the fix; ``tailor rules ID`` one in
full (a hadolint id or a dockle checkpoint shows the rules of ours that cover it)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from imagetailor.cli.options import (
    emit,
    emit_rich,
    output_options,
    refuse_existing,
    terminal_style,
)
from imagetailor.errors import UsageError, did_you_mean
from imagetailor.report.ruleview import RuleView, render_rule
from imagetailor.rules import all_rules, rule_example


@click.command("rules")
@click.argument("rule_ids", nargs=-1, metavar="[ID]...")
@click.option(
    "--scope",
    type=click.Choice(["all", "image", "dockerfile"]),
    default="all",
    help="Image policy rules (tailor check), Dockerfile rules (tailor lint), or both.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@output_options
def command(
    rule_ids: tuple[str, ...], scope: str, fmt: str, output: Path | None, force: bool
) -> int:
    """List every rule: id, severity, what it means and how to fix it.

    \b
    Examples:
      tailor rules --scope dockerfile   the lint rules
      tailor rules TL116                one in full: why, fix, before and after
      tailor rules DL3008 CIS-DI-0008   ours covering a hadolint or dockle id
    """
    refuse_existing(output, force)
    if rule_ids:
        views = [view for rule_id in rule_ids for view in _views(rule_id)]
        if fmt == "json":
            text = json.dumps([v.to_dict() for v in views], indent=2, ensure_ascii=False) + "\n"
        else:
            width = min(terminal_style()[0], 100)  # prose reads best within 100 columns
            text = "\n".join(render_rule(view, width) for view in views)
        emit(text, output, force)
        return 0
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


def _views(text: str) -> list[RuleView]:
    """Our rule ``text`` names, the one covering hadolint's id, or every image rule covering a
    dockle checkpoint (CIS-DI-0010 is three of ours); one line with a hint if none."""
    from imagetailor.lint.rules import LINT_RULES
    from imagetailor.policy.rules import POLICY_RULES

    rule_id = text.strip().upper()
    rules = {r.id: r for r in all_rules()}
    dockle = {entry.rule.id: entry.dockle for entry in POLICY_RULES}
    chosen = [rule_id]
    if rule_id not in rules:
        chosen = [r for r, lint in LINT_RULES.items() if rule_id in lint.hadolint][:1]
        chosen = chosen or [r for r, ids in dockle.items() if rule_id in ids]
        if not chosen:
            raise UsageError(
                f"no rule {text!r}{did_you_mean(rule_id, rules)} (`tailor rules` lists them)"
            )
    views = []
    for found in chosen:
        lint = LINT_RULES.get(found)
        views.append(
            RuleView(
                rules[found],
                lint.hadolint if lint else (),
                lint.enabled if lint else True,
                rule_example(found),
                dockle.get(found, ()),
            )
        )
    return views
