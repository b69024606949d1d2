"""The vulnerabilities table of ``tailor inspect``: counts by severity first, then the worst."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from imagetailor.analysis.model import Analysis
from imagetailor.report.console import add_row

LEVELS = ("critical", "high", "medium", "low", "unknown")


def vulnerabilities_table(analysis: Analysis, top: int) -> Table | None:
    """None when the image was not matched against a database (no --vuln-db)."""
    scan = analysis.vulnerability_scan
    if scan is None:
        return None
    counting = [v for v in analysis.vulnerabilities if v.suppressed_by is None]
    counts = Counter(v.severity for v in counting)
    suppressed = len(analysis.vulnerabilities) - len(counting)
    summary = ", ".join(f"{counts[level]} {level}" for level in LEVELS if counts[level])
    title = f"vulnerabilities: {summary or 'none known'}"
    if suppressed:
        title += f" ({suppressed} not affected by VEX/--ignore-vuln)"
    table = Table(title=title)
    table.add_column("severity", no_wrap=True)
    table.add_column("id", overflow="fold")
    table.add_column("package", overflow="fold")
    table.add_column("fixed in", overflow="fold")
    table.add_column("layer", justify="right", no_wrap=True)
    for vuln in counting[:top]:
        aliases = [a for a in vuln.aliases if a.startswith("CVE-")][:1]
        ident = vuln.id + (f" ({aliases[0]})" if aliases else "")
        layer = "-" if vuln.layer is None else str(vuln.layer)
        add_row(table, vuln.severity, ident, f"{vuln.package} {vuln.version}",
                vuln.fixed or "no fix yet", layer)  # fmt: skip
    if len(counting) > top:
        add_row(table, "", f"... {len(counting) - top} more (--format json lists all)", "", "", "")
    table.caption = (
        f"{scan.packages_checked} packages checked against {scan.records} records of "
        f"{scan.database}"
    )
    return table
