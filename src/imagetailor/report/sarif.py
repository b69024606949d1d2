"""SARIF 2.1.0 logs for any rule-based result (image policies, Dockerfile lint).

Callers pass the registered ``Rule`` objects they evaluated and one ``SarifResult`` per finding;
this module knows the SARIF shape so callers do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from imagetailor import __version__
from imagetailor.rules import Rule, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

# SARIF has three result levels; info and style both become "note".
_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}


def sarif_level(severity: Severity) -> str:
    return _LEVELS[severity]


@dataclass(frozen=True)
class SarifResult:
    rule_id: str
    severity: Severity
    message: str
    uri: str | None = None  # relative to uri_base_id when the log declares one
    line: int | None = None
    column: int | None = None
    logical_location: str | None = None  # e.g. "layer 3" or "config.Env.NODE_ENV"
    properties: Mapping[str, Any] = field(default_factory=dict)
    relative: bool = True  # False: ``uri`` stands alone (an image reference), no uriBaseId


@dataclass(frozen=True)
class UriBase:
    """A name results' uris are relative to, with what it stands for."""

    id: str
    uri: str
    description: str


def _rule_name(title: str) -> str:
    """SARIF's ``name`` is an identifier-like word: "Image runs as root" -> ImageRunsAsRoot."""
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _rule_descriptor(rule: Rule, severity: Severity) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.explanation},
        "help": {
            "text": f"{rule.explanation}\n\nFix: {rule.fix}",
            "markdown": f"{rule.explanation}\n\n**Fix:** {rule.fix}",
        },
        "defaultConfiguration": {"level": sarif_level(severity)},
        "properties": {"severity": severity.value, "scope": rule.scope},
    }


def _location(result: SarifResult, base: UriBase | None) -> dict[str, Any] | None:
    location: dict[str, Any] = {}
    if result.uri is not None:
        artifact: dict[str, Any] = {"uri": result.uri}
        if base is not None and result.relative:
            artifact["uriBaseId"] = base.id
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if result.line is not None:
            region: dict[str, Any] = {"startLine": result.line}
            if result.column is not None:
                region["startColumn"] = result.column
            physical["region"] = region
        location["physicalLocation"] = physical
    if result.logical_location is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": result.logical_location}]
    return location or None


def sarif_log(
    rules: Sequence[Rule],
    results: Sequence[SarifResult],
    *,
    severities: Mapping[str, Severity] | None = None,
    uri_base: UriBase | None = None,
    run_properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run. ``severities`` overrides rules' default severities
    (a purpose may re-grade a rule)."""
    severities = severities or {}
    index = {rule.id: position for position, rule in enumerate(rules)}
    sarif_results = []
    for result in results:
        entry: dict[str, Any] = {
            "ruleId": result.rule_id,
            "level": sarif_level(result.severity),
            "message": {"text": result.message},
        }
        if result.rule_id in index:
            entry["ruleIndex"] = index[result.rule_id]
        location = _location(result, uri_base)
        if location is not None:
            entry["locations"] = [location]
        if result.properties:
            entry["properties"] = dict(result.properties)
        sarif_results.append(entry)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "imagetailor",
                "version": __version__,
                "rules": [
                    _rule_descriptor(rule, severities.get(rule.id, rule.severity)) for rule in rules
                ],
            }
        },
        "results": sarif_results,
    }
    if uri_base is not None:
        run["originalUriBaseIds"] = {
            uri_base.id: {"uri": uri_base.uri, "description": {"text": uri_base.description}}
        }
    if run_properties:
        run["properties"] = dict(run_properties)
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_json(log: Mapping[str, Any]) -> str:
    return json.dumps(log, indent=2) + "\n"
