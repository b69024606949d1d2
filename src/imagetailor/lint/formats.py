"""Lint findings as text (with the offending lines), JSON, SARIF 2.1.0 and JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence

from imagetailor.lint.engine import Finding
from imagetailor.lint.rules import LINT_RULES
from imagetailor.report.junit import JUnitCase, JUnitFailure, JUnitSuite, junit_xml
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
    """The layout `tailor check` uses (report/junit.py): one suite per Dockerfile, one case per
    rule, each finding of the rule a failure of its case, so CI shows which rules a file
    passes as well as which it fails."""
    ran = {rule_id for rule_id, rule in LINT_RULES.items() if rule.enabled}
    ran |= {f.rule for f in findings}  # a rule turned on by configuration
    suites = []
    for file in files:
        mine: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.file == file:
                mine.setdefault(finding.rule, []).append(finding)
        cases = [
            JUnitCase(
                name=f"{rule_id} {LINT_RULES[rule_id].rule.title}",
                classname=f"imagetailor.lint.{file}",
                failures=[
                    JUnitFailure(
                        f.message,
                        rule_id,
                        f"{file}:{f.line} {rule_id} {f.severity.value}: {f.message}\nfix: {f.fix}",
                    )
                    for f in mine.get(rule_id, [])
                ],
            )
            for rule_id in sorted(ran)
        ]
        suites.append(JUnitSuite(name=file, cases=cases, properties={"file": file}))
    return junit_xml(suites, name="tailor lint")
