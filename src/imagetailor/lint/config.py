"""The `[lint]` table of tailor.toml: ignored rules, re-rated rules and target purposes.

    [lint]
    ignore = ["TL205", "DL3008"]        # our ids, or hadolint ids of rules we share
    enable = ["TL116"]                  # rules that are off by default
    threshold = "warning"               # optional default for --threshold
    [lint.severity]
    TL101 = "error"
    [lint.targets]
    web = "deploy"

A top-level `[targets]` table (name = "purpose" or name = { purpose = "..." }) is read too, and
so are the spec's own purposes: `[purposes.staging] extends = "deploy"` makes a stage named
`staging` a deploy target (the generator names stages after purposes), and lets
`--target NAME=staging` be said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagetailor.catalogues import read_toml
from imagetailor.errors import UsageError, did_you_mean, summarise
from imagetailor.lint.model import PURPOSES
from imagetailor.rules import Severity


@dataclass(frozen=True)
class LintConfig:
    ignore: frozenset[str] = frozenset()
    enable: frozenset[str] = frozenset()  # rules that are off unless named (TL116)
    severity: dict[str, Severity] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)  # lower-case target name -> purpose
    threshold: str | None = None
    source: str | None = None  # the file it came from, for messages
    # Project purposes from [purposes.NAME] extends = ..., resolved to a built-in purpose.
    custom_purposes: dict[str, str] = field(default_factory=dict)


def parse_purpose(text: str, where: str, custom: dict[str, str] | None = None) -> str:
    """A built-in purpose, or a project purpose resolved to the built-in one it extends."""
    purpose = text.strip().lower()
    if purpose in PURPOSES:
        return purpose
    if custom and purpose in custom:
        return custom[purpose]
    names = [*PURPOSES, *(custom or {})]
    hint = did_you_mean(purpose, names)
    raise UsageError(f"{where}: unknown purpose {text!r}{hint}: use one of {summarise(names, 12)}")


def parse_target_option(option: str, custom: dict[str, str] | None = None) -> tuple[str, str]:
    """``--target NAME=PURPOSE`` -> (name, built-in purpose)."""
    name, sep, purpose = option.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--target {option!r}: expected NAME=PURPOSE, e.g. --target web=deploy")
    return name.strip().lower(), parse_purpose(purpose, f"--target {option}", custom)


def _custom_purposes(data: dict[str, Any], source: str) -> dict[str, str]:
    table = data.get("purposes", {})
    if not isinstance(table, dict):
        return {}
    extends = {
        str(name).lower(): str(spec["extends"]).lower()
        for name, spec in table.items()
        if isinstance(spec, dict) and isinstance(spec.get("extends"), str)
    }
    resolved: dict[str, str] = {}
    for name in extends:
        current, seen = name, set()
        while current not in PURPOSES:
            if current in seen or current not in extends:
                raise UsageError(
                    f"{source}: purposes.{name} does not extend one of {', '.join(PURPOSES)}"
                )
            seen.add(current)
            current = extends[current]
        if name not in PURPOSES:
            resolved[name] = current
    return resolved


def load_config(path: Path) -> LintConfig:
    data = read_toml(path, "config file", missing=f"{path}: no such configuration file")
    return config_from_dict(data, str(path))


def config_from_dict(data: dict[str, Any], source: str) -> LintConfig:
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise UsageError(f"{source}: [lint] must be a table")
    ignore = lint.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise UsageError(f"{source}: lint.ignore must be a list of rule ids")
    enable = lint.get("enable", [])
    if not isinstance(enable, list) or not all(isinstance(i, str) for i in enable):
        raise UsageError(f"{source}: lint.enable must be a list of rule ids")
    severities = lint.get("severity", {})
    if not isinstance(severities, dict):
        raise UsageError(f'{source}: [lint.severity] must be a table of RULE = "severity"')
    custom = _custom_purposes(data, source)
    # A stage named after a project purpose serves the purpose it extends.
    targets: dict[str, str] = dict(custom)
    for table_name, table in (
        ("targets", data.get("targets", {})),
        ("lint.targets", lint.get("targets", {})),
    ):
        if not isinstance(table, dict):
            raise UsageError(f"{source}: [{table_name}] must be a table")
        for name, value in table.items():
            purpose = value.get("purpose") if isinstance(value, dict) else value
            if purpose is None and isinstance(value, dict):
                continue  # a spec target without a purpose field: nothing to say about it
            if not isinstance(purpose, str):
                raise UsageError(f"{source}: [{table_name}] {name} must name a purpose")
            where = f"{source}: [{table_name}] {name}"
            targets[name.lower()] = parse_purpose(purpose, where, custom)
    threshold = lint.get("threshold")
    if threshold is not None and not isinstance(threshold, str):
        raise UsageError(f"{source}: lint.threshold must be a string")
    return LintConfig(
        ignore=frozenset(i.strip().upper() for i in ignore),
        enable=frozenset(i.strip().upper() for i in enable),
        severity={
            str(rule).upper(): Severity.parse(str(level)) for rule, level in severities.items()
        },
        targets=targets,
        threshold=threshold,
        source=source,
        custom_purposes=custom,
    )
