"""Is an installed version affected by an OSV ``affected`` entry, and what fixes it.

OSV's evaluation (schema §"Evaluation"): a version is affected when it is listed in
``versions``, or when a range's events, read in order, leave it inside: ``introduced`` at or
below it opens, ``fixed`` at or below it closes, ``last_affected`` below it closes. ECOSYSTEM
ranges are read in the ecosystem's order, SEMVER ranges in semver's; GIT ranges name commits,
which an installed package does not carry, so they never match here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imagetailor.analysis.model import OsRelease, PackageInfo, Vulnerability
from imagetailor.vulns.database import Database
from imagetailor.vulns.ecosystems import Lookup, lookup
from imagetailor.vulns.severity import severity_of
from imagetailor.vulns.versions import Compare, semver

MAX_SUMMARY = 200


@dataclass(frozen=True)
class Verdict:
    affected: bool
    fixed: str | None = None


def _events_affect(events: list[dict[str, str]], version: str, compare: Compare) -> Verdict:
    inside = False
    fixes: list[str] = []
    for event in events:
        kind, at = next(iter(event.items()))
        if kind == "limit":
            continue
        placed = 1 if kind == "introduced" and at == "0" else compare(version, at)
        if placed is None:  # a version this order cannot place: the range says nothing
            return Verdict(False)
        order: int = placed  # "introduced": "0" is below every version
        if kind == "introduced" and order >= 0:
            inside = True
        elif kind == "fixed":
            if order >= 0:
                inside = False
            else:
                fixes.append(at)
        elif kind == "last_affected" and order > 0:
            inside = False
    if not inside:
        return Verdict(False)
    # The fix for this version: the oldest fixed event above it.
    fixed = None
    for candidate in fixes:
        if fixed is None or (compare(candidate, fixed) or 0) < 0:
            fixed = candidate
    return Verdict(True, fixed)


def _sorted_events(events: list[dict[str, str]], compare: Compare) -> list[dict[str, str]]:
    """Events in version order (the schema does not require records to keep them so)."""
    import functools

    def order(a: dict[str, str], b: dict[str, str]) -> int:
        va, vb = next(iter(a.values())), next(iter(b.values()))
        if va == "0" or vb == "0":
            return (va != "0") - (vb != "0")
        return compare(va, vb) or 0

    return sorted(events, key=functools.cmp_to_key(order))


def affects(entry: dict[str, Any], version: str, compare: Compare) -> Verdict:
    """Whether ``version`` is affected by one ``affected[]`` entry of a record."""
    listed = any(v == version or compare(v, version) == 0 for v in entry.get("versions", []))
    fixes: list[str] = []
    hit = listed
    for span in entry.get("ranges", []):
        kind = span["type"]
        if kind == "GIT":
            continue
        order = semver if kind == "SEMVER" else compare
        verdict = _events_affect(_sorted_events(span["events"], order), version, order)
        if verdict.affected:
            hit = True
            if verdict.fixed is not None:
                fixes.append(verdict.fixed)
    if not hit:
        return Verdict(False)
    fixed = None
    for candidate in fixes:
        if fixed is None or (compare(candidate, fixed) or 0) < 0:
            fixed = candidate
    return Verdict(True, fixed)


def match_package(database: Database, package: PackageInfo, where: Lookup) -> list[Vulnerability]:
    found: dict[str, Vulnerability] = {}
    for key in where.keys:
        for record in database.records_for(key):
            for entry in record.get("affected", []):
                spot = entry.get("package")
                if spot is None or spot["ecosystem"] != key[0]:
                    continue
                if database.key_of(spot) != key:
                    continue
                verdict = affects(entry, package.version, where.compare)
                if not verdict.affected or record["id"] in found:
                    continue
                level, score = severity_of(record, entry)
                summary = record.get("summary")
                found[record["id"]] = Vulnerability(
                    id=record["id"],
                    aliases=sorted(set(record.get("aliases", []))),
                    package=package.name,
                    version=package.version,
                    manager=package.manager,
                    ecosystem=spot["ecosystem"],
                    advisory_package=spot["name"],
                    fixed=verdict.fixed,
                    severity=level,
                    score=score,
                    summary=summary[:MAX_SUMMARY] if isinstance(summary, str) else None,
                    layer=package.layer,
                )
    return list(found.values())


def match(
    database: Database, packages: list[PackageInfo], release: OsRelease | None
) -> tuple[list[Vulnerability], list[str], int]:
    """(vulnerabilities, managers no ecosystem is known for, packages looked up)."""
    found: list[Vulnerability] = []
    unmatched: set[str] = set()
    checked = 0
    for package in packages:
        where = lookup(package, release)
        if where is None:
            unmatched.add(package.manager)
            continue
        checked += 1
        found += match_package(database, package, where)
    return found, sorted(unmatched), checked
