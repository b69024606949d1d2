"""Lint findings as text (with the offending lines), JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.etree import ElementTree

from imagetailor import __version__
from imagetailor.lint.engine import Finding
from imagetailor.lint.rules import LINT_RULES
from imagetailor.rules import Severity

FORMATS = ("text", "json", "sarif", "junit")

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.STYLE: "note",
}


def render(findings: Sequence[Finding], files: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([f.to_dict() for f in findings], indent=2)
    if fmt == "sarif":
        return json.dumps(sarif(findings), indent=2)
    if fmt == "junit":
        return junit(findings, files)
    return text(findings)


def text(findings: Sequence[Finding]) -> str:
    out = []
    for finding in findings:
        where = f" [target {finding.target}]" if finding.target else ""
        out.append(
            f"{finding.file}:{finding.line} {finding.rule} {finding.severity.value}: "
            f"{finding.message}{where}"
        )
        for number, line in enumerate(finding.source[:6], start=finding.line):
            out.append(f"  {number:>4} | {line}")
        if len(finding.source) > 6:
            out.append(f"       | ... ({len(finding.source) - 6} more lines)")
        out.append(f"       fix: {finding.fix}")
    return "\n".join(out)


def sarif(findings: Sequence[Finding]) -> dict[str, object]:
    used = sorted({f.rule for f in findings})
    rules = []
    for rule_id in used:
        rule = LINT_RULES[rule_id].rule
        rules.append(
            {
                "id": rule.id,
                "name": rule.title,
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.explanation},
                "help": {"text": rule.fix},
                "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                "properties": {"hadolint": list(LINT_RULES[rule_id].hadolint)},
            }
        )
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": used.index(f.rule),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file},
                        "region": {"startLine": f.line},
                    }
                }
            ],
            "properties": {"severity": f.severity.value, "stage": f.stage, "target": f.target},
        }
        for f in findings
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "tailor lint",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def junit(findings: Sequence[Finding], files: Sequence[str]) -> str:
    """One test suite per file; one failing test case per finding, one passing case if clean."""
    root = ElementTree.Element("testsuites", name="tailor lint")
    total = 0
    for file in files:
        mine = [f for f in findings if f.file == file]
        suite = ElementTree.SubElement(
            root, "testsuite", name=file, tests=str(max(1, len(mine))), failures=str(len(mine))
        )
        total += len(mine)
        if not mine:
            ElementTree.SubElement(suite, "testcase", name="lint", classname=file)
        for finding in mine:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"{finding.rule} line {finding.line}",
                classname=file,
            )
            failure = ElementTree.SubElement(
                case, "failure", message=finding.message, type=finding.severity.value
            )
            failure.text = (
                f"{file}:{finding.line} {finding.rule} {finding.severity.value}: "
                f"{finding.message}\nfix: {finding.fix}"
            )
    root.set("failures", str(total))
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True)
