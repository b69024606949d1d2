"""The `tailor check` text a person reads first: the verdict, then one block per rule.

Sixty findings are often three causes (34 compiler binaries are one compiler toolchain): each
rule gets its count, its first paths, the layer that added most of them and its fix, wrapped to
the width given so it reads at 80 columns. The per-path table is `--verbose` (and JSON).
"""

from __future__ import annotations

import textwrap
from collections import Counter

from rich.text import Text

from imagetailor.errors import summarise
from imagetailor.policy.findings import CheckReport, Finding
from imagetailor.report.console import safe_text
from imagetailor.rules import Severity

STYLES = {
    Severity.ERROR: "bold red",
    Severity.WARNING: "yellow",
    Severity.INFO: "cyan",
    Severity.STYLE: "dim",
}
_FIRST = 3  # paths named per rule; the rest are counted


def _wrapped(label: str, text: str, width: int) -> Text:
    lines = textwrap.wrap(
        f"{label}{text}", width=max(width, 40), initial_indent="  ", subsequent_indent="    "
    )
    return safe_text("\n".join(lines))


def _by_rule(report: CheckReport) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in report.findings:  # already sorted by severity, then rule
        groups.setdefault(finding.rule, []).append(finding)
    return groups


def _busiest_layer(findings: list[Finding]) -> str | None:
    layers = Counter(f.layer for f in findings if f.layer is not None)
    if not layers:
        return None
    layer, count = layers.most_common(1)[0]
    created_by = next((f.created_by for f in findings if f.layer == layer and f.created_by), "")
    added = f" ({count} of {len(findings)})" if len(findings) > 1 else ""
    shown = " ".join(created_by.split())
    return f"layer {layer}{added}" + (f": {shown}" if shown else "")


def rule_blocks(report: CheckReport, width: int) -> list[Text]:
    blocks: list[Text] = []
    for rule, findings in _by_rule(report).items():
        first = findings[0]
        head = Text()
        head.append(rule, style="bold")
        head.append("  ")
        head.append(first.severity.value, style=STYLES[first.severity])
        head.append_text(safe_text(f"  {first.title} ({len(findings)})"))
        lines = [head]
        if len(findings) == 1:
            lines.append(_wrapped("", first.message, width))
        else:
            where = [f.path or f.message for f in findings]
            lines.append(_wrapped("", summarise(where, limit=_FIRST), width))
        layer = _busiest_layer(findings)
        if layer:
            lines.append(_wrapped("from ", layer, width))
        lines.append(_wrapped("fix: ", first.fix, width))
        blocks.append(Text("\n").join(lines))
    return blocks
