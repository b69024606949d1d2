"""The vulnerability options of inspect and check, applied to an analysis."""

from __future__ import annotations

from pathlib import Path

import click

from imagetailor.analysis.model import Analysis
from imagetailor.errors import UsageError


def with_vulnerabilities(
    analysis: Analysis, vuln_db: Path | None, ignore: tuple[str, ...], vex: tuple[Path, ...]
) -> Analysis:
    """Match against ``vuln_db``; without one, re-apply --ignore-vuln/--vex to a saved
    analysis that was matched before."""
    from imagetailor.vulns import VulnOptions, scan

    if vuln_db is None:
        if not ignore and not vex:
            return analysis
        if analysis.vulnerability_scan is None:
            raise UsageError("--ignore-vuln and --vex need --vuln-db PATH (or TAILOR_VULN_DB)")
        from imagetailor.vulns.vex import read_vex, suppress

        found = suppress(analysis.vulnerabilities, ignore, [], "")
        for path in vex:
            found = suppress(found, (), read_vex(path), str(path))
        return analysis.model_copy(update={"vulnerabilities": found})
    for path in vex:  # a typo in a VEX path is found before the database is read
        if not path.is_file():
            raise UsageError(f"VEX file {path}: no such file")
    result = scan(analysis, VulnOptions(vuln_db, ignore, vex))
    report = result.vulnerability_scan
    if report is not None and report.skipped:
        click.echo(
            f"tailor: warning: {report.skipped} record(s) of {vuln_db} were not valid OSV "
            "(or too big) and were skipped",
            err=True,
        )
    return result
