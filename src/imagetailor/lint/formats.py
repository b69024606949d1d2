"""Lint findings as text (with the offending lines), JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.etree import ElementTree

from imagetailor.lint.engine import Finding
from imagetailor.lint.rules import LINT_RULES
from imagetailor.report.sarif import SarifResult, sarif_log

FORMATS = ("text", "json", "sarif", "junit")


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
    """The one SARIF writer `tailor check` uses too: rule descriptors with fix and markdown
    help, each result located at its Dockerfile line, the hadolint code as a property."""
    used = sorted({f.rule for f in findings})
    results = [
        SarifResult(
            rule_id=f.rule,
            severity=f.severity,
            message=f"{f.message}. Fix: {f.fix}",
            uri=f.file,
            line=f.line,
            properties={
                "severity": f.severity.value,
                "stage": f.stage,
                "target": f.target,
                "hadolint": f.hadolint,
            },
        )
        for f in findings
    ]
    log = sarif_log([LINT_RULES[rule_id].rule for rule_id in used], results)
    for descriptor in log["runs"][0]["tool"]["driver"]["rules"]:
        descriptor["properties"]["hadolint"] = list(LINT_RULES[descriptor["id"]].hadolint)
    return log


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
