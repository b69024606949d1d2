"""The `[lint]` table of tailor.toml: ignored rules, re-rated rules and target purposes.

    [lint]
    ignore = ["TL205", "DL3008"]        # our ids, or hadolint ids of rules we share
    threshold = "warning"               # optional default for --threshold
    [lint.severity]
    TL101 = "error"
    [lint.targets]
    web = "deploy"

A top-level `[targets]` table (name = "purpose" or name = { purpose = "..." }) is read too, so a
spec that already names its targets need not repeat them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.lint.model import PURPOSES
from imagetailor.rules import Severity


@dataclass(frozen=True)
class LintConfig:
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)  # lower-case target name -> purpose
    threshold: str | None = None
    source: str | None = None  # the file it came from, for messages


def parse_purpose(text: str, where: str) -> str:
    purpose = text.strip().lower()
    if purpose not in PURPOSES:
        raise UsageError(f"{where}: unknown purpose {text!r}: use one of {', '.join(PURPOSES)}")
    return purpose


def parse_target_option(option: str) -> tuple[str, str]:
    """``--target NAME=PURPOSE`` -> (name, purpose)."""
    name, sep, purpose = option.partition("=")
    if not sep or not name.strip():
        raise UsageError(f"--target {option!r}: expected NAME=PURPOSE, e.g. --target web=deploy")
    return name.strip().lower(), parse_purpose(purpose, f"--target {option}")


def load_config(path: Path) -> LintConfig:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(data, str(path))


def config_from_dict(data: dict[str, Any], source: str) -> LintConfig:
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise UsageError(f"{source}: [lint] must be a table")
    ignore = lint.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) for i in ignore):
        raise UsageError(f"{source}: lint.ignore must be a list of rule ids")
    severities = lint.get("severity", {})
    if not isinstance(severities, dict):
        raise UsageError(f'{source}: [lint.severity] must be a table of RULE = "severity"')
    targets: dict[str, str] = {}
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
            targets[name.lower()] = parse_purpose(purpose, f"{source}: [{table_name}] {name}")
    threshold = lint.get("threshold")
    if threshold is not None and not isinstance(threshold, str):
        raise UsageError(f"{source}: lint.threshold must be a string")
    return LintConfig(
        ignore=frozenset(i.strip().upper() for i in ignore),
        severity={
            str(rule).upper(): Severity.parse(str(level)) for rule, level in severities.items()
        },
        targets=targets,
        threshold=threshold,
        source=source,
    )
