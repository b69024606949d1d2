"""Known vulnerabilities of the installed packages, from an offline OSV database.

``scan(analysis, options)`` returns the analysis with ``vulnerabilities`` and
``vulnerability_scan`` filled in; docs/vulnerabilities.md explains the matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from imagetailor.analysis.model import Analysis, VulnerabilityScan
from imagetailor.vulns.database import Database
from imagetailor.vulns.severity import RANK

__all__ = ["Database", "VulnOptions", "scan"]


@dataclass(frozen=True)
class VulnOptions:
    database: Path
    ignore: tuple[str, ...] = ()
    vex: tuple[Path, ...] = field(default_factory=tuple)


def scan(analysis: Analysis, options: VulnOptions, database: Database | None = None) -> Analysis:
    """``database``: one already read this run (several images share it)."""
    from imagetailor.vulns.match import match
    from imagetailor.vulns.vex import read_vex, suppress

    own = database is None
    db = Database(options.database) if database is None else database
    try:
        found, unmatched, checked = match(db, analysis.packages, analysis.os_release)
    finally:
        if own:
            db.close()
    found = suppress(found, options.ignore, [], "")
    for path in options.vex:
        found = suppress(found, (), read_vex(path), str(path))
    found.sort(key=lambda v: (-RANK[v.severity], v.package, v.id))
    return analysis.model_copy(
        update={
            "vulnerabilities": found,
            "vulnerability_scan": VulnerabilityScan(
                database=str(options.database),
                records=db.records,
                skipped=db.skipped,
                withdrawn=db.withdrawn,
                packages_checked=checked,
                unmatched_managers=unmatched,
            ),
        }
    )
