"""What a policy check produces: findings and the verdict that ``tailor check`` reports.

``CheckReport.model_dump(mode="json")`` is the documented ``tailor check --format json``
contract (docs/json-contract.md): add fields, never rename.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from imagetailor.rules import Severity


class Finding(BaseModel):
    rule: str = Field(description="stable rule id, e.g. TP101; `tailor rules` explains it")
    severity: Severity
    title: str = Field(description="the rule's one-line title")
    message: str = Field(description="what was found in this image")
    path: str | None = Field(
        description="path in the image, or the env name / label key for config findings"
    )
    layer: int | None = Field(description="index of the layer that put it there")
    created_by: str | None = Field(description="the instruction that created that layer")
    fix: str


class Summary(BaseModel):
    error: int = 0
    warning: int = 0
    info: int = 0
    style: int = 0
    total: int = 0


class RuleOutcome(BaseModel):
    """One rule that was evaluated, and how many findings it gave (JUnit's test cases)."""

    rule: str
    severity: Severity
    title: str
    findings: int


class CheckReport(BaseModel):
    schema_version: int = 1
    purpose: str
    base_purpose: str = Field(description="the built-in purpose this one extends (or itself)")
    reference: str
    manifest_digest: str | None
    config_digest: str
    fit: bool = Field(description="no finding at or above fail_on")
    fail_on: Severity
    findings: list[Finding]
    rules: list[RuleOutcome] = Field(description="every rule evaluated for this purpose")
    summary: Summary
