"""Policy settings per purpose: built-in defaults, then tailor.toml, then command-line flags.

The defaults live in ``data/policy.toml``; a project's ``tailor.toml`` overrides keys in a
``[policy.<purpose>]`` table and may add purposes that ``extends`` another one. Every value is
validated here, so a typo is one line naming the key and the fix, never a surprise later.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from imagetailor.catalogues import read_toml
from imagetailor.errors import UsageError, did_you_mean
from imagetailor.policy.sizes import parse_size
from imagetailor.rules import Severity

BUILTIN_PURPOSES = ("deploy", "ci", "local", "dev")
DEFAULT_CONFIG = "tailor.toml"


@dataclass(frozen=True)
class PolicySettings:
    """Everything a purpose's policy reads; see data/policy.toml for what each key means."""

    purpose: str
    base: str  # the built-in purpose this one comes from through `extends`
    description: str = ""
    forbid: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    require: tuple[str, ...] = ()
    require_toolchain: bool = False
    require_debugger: bool = False
    allow_root: bool = True
    single_runtime: bool = False
    environment_agnostic: bool = False
    environment_words: tuple[str, ...] = ()
    # Variables that select a build mode (NODE_ENV): `production` there names no place.
    build_mode_variables: tuple[str, ...] = ()
    require_entrypoint: bool = False
    expect_healthcheck: bool = False
    max_size_bytes: int | None = None
    max_wasted_bytes: int | None = None
    max_layers: int | None = None
    min_efficiency: float | None = None
    fail_on: Severity = Severity.ERROR
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    # Not a tailor.toml key: set by `tailor check` when the analysis was matched against a
    # vulnerability database (--vuln-db), so the TP5xx rules judge only what was looked up.
    vulnerabilities: bool = False

    def allows(self, name: str, category: str) -> bool:
        """Whether a tool is fine here: named in `allow` itself or through its category."""
        return name in self.allow or category in self.allow

    def forbids(self, category: str) -> bool:
        return category in self.forbid and category not in self.allow


@dataclass(frozen=True)
class Overrides:
    """What the command line adds (lists) or replaces (thresholds) on top of the files."""

    require: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    max_size: str | None = None
    max_wasted: str | None = None
    max_layers: int | None = None
    min_efficiency: float | None = None
    fail_on: str | None = None


_LIST_KEYS = (
    "forbid",
    "allow",
    "require",
    "environment_words",
    "build_mode_variables",
    "ignore",
)
_BOOL_KEYS = (
    "require_toolchain",
    "require_debugger",
    "allow_root",
    "single_runtime",
    "environment_agnostic",
    "require_entrypoint",
    "expect_healthcheck",
)
_KNOWN_KEYS = frozenset(
    (
        "extends",
        "description",
        *_LIST_KEYS,
        *_BOOL_KEYS,
        "max_size_bytes",
        "max_wasted_bytes",
        "max_layers",
        "min_efficiency",
        "fail_on",
        "severity",
        "replace",
    )
)


def _builtin_tables() -> dict[str, dict[str, Any]]:
    text = resources.files("imagetailor.data").joinpath("policy.toml").read_text("utf-8")
    return tomllib.loads(text)


def read_config(path: Path | None) -> tuple[dict[str, dict[str, Any]], str]:
    """The [policy] tables of a tailor.toml and a name for it in messages.

    ``path`` None means ./tailor.toml when it exists, else no project settings.
    """
    if path is None:
        default = Path(DEFAULT_CONFIG)
        if not default.is_file():
            return {}, ""
        path = default
    missing = f"config file {path} does not exist: check --config"
    data = read_toml(path, "config file", missing=missing)
    policy = data.get("policy", {})
    if not isinstance(policy, dict) or not all(isinstance(v, dict) for v in policy.values()):
        raise UsageError(
            f"{path}: [policy] must hold one table per purpose, "
            "e.g. [policy.deploy] max_layers = 20"
        )
    return policy, str(path)


def _where(source: str, purpose: str, key: str) -> str:
    return f"{source} [policy.{purpose}] {key}"


def _validate_table(table: Mapping[str, Any], purpose: str, source: str) -> dict[str, Any]:
    """Typed values of one [policy.<purpose>] table, or a UsageError naming key and fix."""
    clean: dict[str, Any] = {}
    for key, value in table.items():
        where = _where(source, purpose, key)
        if key not in _KNOWN_KEYS:
            known = ", ".join(sorted(_KNOWN_KEYS))
            raise UsageError(f"{where}: unknown key; use one of {known}")
        if key in ("extends", "description"):
            if not isinstance(value, str) or not value:
                raise UsageError(f'{where}: must be a non-empty string, e.g. {key} = "deploy"')
            clean[key] = value
        elif key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise UsageError(f'{where}: must be a list of names, e.g. {key} = ["curl"]')
            clean[key] = tuple(value)
        elif key in (*_BOOL_KEYS, "replace"):
            if not isinstance(value, bool):
                raise UsageError(f"{where}: must be true or false")
            clean[key] = value
        elif key in ("max_size_bytes", "max_wasted_bytes"):
            try:
                clean[key] = parse_size(value)
            except ValueError as exc:
                raise UsageError(
                    f'{where}: {exc}; write bytes or a size such as "50MB" or "1.5GiB"'
                ) from None
        elif key == "max_layers":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise UsageError(f"{where}: must be a whole number of layers >= 1, e.g. 20")
            clean[key] = value
        elif key == "min_efficiency":
            clean[key] = _efficiency(value, where)
        elif key == "fail_on":
            clean[key] = _severity(value, where)
        elif key == "severity":
            if not isinstance(value, dict):
                raise UsageError(
                    f'{where}: must be a table, e.g. severity = {{ TP109 = "warning" }}'
                )
            clean[key] = {
                str(rule): _severity(sev, f"{where}.{rule}") for rule, sev in value.items()
            }
    return clean


def _efficiency(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise UsageError(f"{where}: must be a number from 0 to 1, e.g. 0.9")
    return float(value)


def _severity(value: object, where: str) -> Severity:
    names = ", ".join(s.value for s in Severity)
    if not isinstance(value, str):
        raise UsageError(f"{where}: must be one of {names}")
    try:
        return Severity(value.strip().lower())
    except ValueError:
        raise UsageError(f"{where}: {value!r} is not a severity; use one of {names}") from None


def resolve(
    purpose: str,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    config_source: str = "tailor.toml",
    overrides: Overrides | None = None,
    known_rules: frozenset[str] | None = None,
) -> PolicySettings:
    """The effective settings of ``purpose``: defaults, then ``config`` tables, then ``overrides``.

    ``known_rules`` (ids) lets `ignore` and `severity` be checked for typos.
    """
    builtin = {
        name: _validate_table(table, name, "policy.toml")
        for name, table in _builtin_tables().items()
    }
    project = {name: _validate_table(t, name, config_source) for name, t in (config or {}).items()}
    purposes = sorted(set(builtin) | set(project))
    if purpose not in purposes:
        raise UsageError(
            f"unknown purpose {purpose!r}{did_you_mean(purpose, purposes)}: use one of "
            f"{', '.join(purposes)} "
            f'or define [policy.{purpose}] with extends = "deploy" in {config_source}'
        )

    def merged(name: str, chain: tuple[str, ...]) -> tuple[dict[str, Any], str]:
        if name in chain:
            loop = " -> ".join((*chain, name))
            raise UsageError(f"{config_source}: purposes extend each other in a loop: {loop}")
        if name not in builtin and name not in project:
            raise UsageError(
                f"{_where(config_source, chain[-1], 'extends')}: unknown purpose {name!r}; "
                f"use one of {', '.join(purposes)}"
            )
        own = _layered(builtin.get(name, {}), project.get(name, {}))
        parent = own.get("extends")
        if parent is None:
            if name not in builtin:
                raise UsageError(
                    f"{_where(config_source, name, 'extends')}: missing; a new purpose must "
                    f'extend one of {", ".join(BUILTIN_PURPOSES)}, e.g. extends = "deploy"'
                )
            return own, name
        inherited, base = merged(parent, (*chain, name))
        return _layered(inherited, own), base

    values, base = merged(purpose, ())
    values.pop("extends", None)
    values.pop("replace", None)
    settings = PolicySettings(purpose=purpose, base=base, **values)
    if overrides is not None:
        settings = _apply(settings, overrides)
    if known_rules is not None:
        for rule in (*settings.ignore, *settings.severity):
            if rule not in known_rules:
                raise UsageError(
                    f"policy {purpose}: no rule {rule!r} to ignore or re-grade; "
                    "`tailor rules --scope image` lists the ids"
                )
    return settings


def _layered(below: Mapping[str, Any], above: Mapping[str, Any]) -> dict[str, Any]:
    """``above`` over ``below``: values replace, lists add (as the command-line flags do), the
    severity table is merged rule by rule (a purpose that re-grades TP404 keeps the grades it
    inherits for other rules), and ``replace = true`` in ``above`` makes lists and the severity
    table replace too."""
    out = {k: v for k, v in below.items() if k != "replace"}
    replace_lists = bool(above.get("replace", False))
    for key, value in above.items():
        if key == "replace":
            out[key] = value  # kept for the layer above this one (a purpose that extends)
            continue
        if key in _LIST_KEYS and not replace_lists and key in out:
            out[key] = tuple(out[key]) + tuple(v for v in value if v not in out[key])
        elif key == "severity" and not replace_lists and key in out:
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _apply(settings: PolicySettings, flags: Overrides) -> PolicySettings:
    def added(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
        return old + tuple(n for n in new if n not in old)

    changes: dict[str, Any] = {
        "require": added(settings.require, flags.require),
        "allow": added(settings.allow, flags.allow),
        "ignore": added(settings.ignore, flags.ignore),
    }
    for flag, key in (("--max-size", "max_size"), ("--max-wasted", "max_wasted")):
        value = getattr(flags, key)
        if value is not None:
            try:
                changes[f"{key}_bytes"] = parse_size(value)
            except ValueError as exc:
                raise UsageError(
                    f'{flag}: {exc}; write bytes or a size such as "50MB" or "1.5GiB"'
                ) from None
    if flags.max_layers is not None:
        if flags.max_layers < 1:
            raise UsageError("--max-layers: must be a whole number of layers >= 1")
        changes["max_layers"] = flags.max_layers
    if flags.min_efficiency is not None:
        changes["min_efficiency"] = _efficiency(flags.min_efficiency, "--min-efficiency")
    if flags.fail_on is not None:
        changes["fail_on"] = _severity(flags.fail_on, "--fail-on")
    return replace(settings, **changes)
