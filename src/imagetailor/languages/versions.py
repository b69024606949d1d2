"""Choosing a runtime version: the newest available one that the project's constraint allows.

Python constraints are PEP 440 specifiers (``packaging``), Poetry's caret and tilde forms are
translated to them; Node ranges are npm semver ranges (``semantic_version.NpmSpec``); Go's
go/toolchain line is a minimum. "Available" means the versions the base map provides when one is
in effect, else every version the language's data file knows to exist upstream.
"""

from __future__ import annotations

import re

import semantic_version
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from imagetailor.languages.facts import Constraint
from imagetailor.languages.plugin import version_key

# nvm's names for Node's LTS lines.
NODE_LTS = {"argon": 4, "boron": 6, "carbon": 8, "dubnium": 10, "erbium": 12, "fermium": 14}
NODE_LTS |= {"gallium": 16, "hydrogen": 18, "iron": 20, "jod": 22, "krypton": 24}


class NoVersion(ValueError):
    """No available version satisfies the constraint (or the constraint cannot be read)."""


def _poetry_part(part: str) -> str:
    """One comparator of a Poetry constraint as PEP 440 ('^3.11' -> '>=3.11,<4.0')."""
    part = part.strip()
    numbers = [int(n) for n in re.findall(r"\d+", part)]
    if part.startswith("^") and numbers:
        first = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
        upper = [*numbers[:first], numbers[first] + 1]
        return f">={'.'.join(map(str, numbers))},<{'.'.join(map(str, upper))}"
    if part.startswith("~") and not part.startswith("~=") and numbers:
        upper = [numbers[0] + 1] if len(numbers) == 1 else [numbers[0], numbers[1] + 1]
        return f">={'.'.join(map(str, numbers))},<{'.'.join(map(str, upper))}"
    if re.fullmatch(r"\d+(\.\d+)?(\.\*)?", part):
        return f"=={part}" if part.endswith("*") else f"=={part}.*"  # '3.11': any 3.11 release
    if re.fullmatch(r"\d+\.\d+\.\d+", part):
        return f"=={part}"
    return part.replace(" ", "")


def pep440_sets(text: str) -> list[SpecifierSet]:
    """Alternatives ('||' in Poetry) of comma-joined specifier sets."""
    sets: list[SpecifierSet] = []
    for alternative in text.split("||"):
        parts = [p.strip() for p in alternative.split(",") if p.strip()]
        try:
            sets.append(SpecifierSet(",".join(_poetry_part(p) for p in parts)))
        except InvalidSpecifier:
            raise NoVersion(f"{text!r} is not a version constraint") from None
    return sets


def _python_allows(sets: list[SpecifierSet], version: str) -> bool:
    # A minor version is allowed when some release of it is: its first and a late patch.
    probes = [Version(f"{version}.0"), Version(f"{version}.99")]
    return any(s.contains(p, prereleases=True) for s in sets for p in probes)


def _node_spec(text: str) -> semantic_version.NpmSpec:
    cleaned = text.strip().lstrip("v")
    try:
        return semantic_version.NpmSpec(cleaned or "*")
    except ValueError:
        raise NoVersion(f"{text!r} is not a semver range") from None


def _node_allows(spec: semantic_version.NpmSpec, text: str, major: str) -> bool:
    # The range allows a major line when any of its edges or the versions it names fall in it.
    probes = {f"{major}.0.0", f"{major}.999.999"}
    for named in re.findall(r"\d+(?:\.\d+){0,2}", text):
        numbers = [*named.split("."), "0", "0"][:3]
        if numbers[0] == major:
            probes.add(".".join(numbers))
    return any(spec.match(semantic_version.Version(p)) for p in probes)


def node_alias(text: str, available: list[str]) -> str | None:
    """nvm aliases: lts/*, lts/NAME, node, latest, current -> a concrete range or None."""
    value = text.strip().lower()
    if value in ("node", "latest", "current", "stable", "*"):
        return ">=0"
    if value.startswith("lts/"):
        name = value[4:]
        if name in ("*", "latest"):
            even = [v for v in available if int(v.split(".")[0]) % 2 == 0]
            return f"{max(even, key=version_key)}.x" if even else None
        if name in NODE_LTS:
            return f"{NODE_LTS[name]}.x"
    return None


def allowed(constraint: Constraint, available: list[str]) -> list[str]:
    """The available versions the constraint allows, newest first."""
    ordered = sorted(available, key=version_key, reverse=True)
    if constraint.kind == "any" or not constraint.text.strip():
        return ordered
    if constraint.kind == "pep440":
        sets = pep440_sets(constraint.text)
        return [v for v in ordered if _python_allows(sets, v)]
    if constraint.kind == "npm":
        text = node_alias(constraint.text, ordered) or constraint.text
        if re.fullmatch(r"v?\d+\.\d+\.\d+", text.strip()):
            text = text.strip().lstrip("v").split(".")[0] + ".x"  # an exact pin picks its line
        spec = _node_spec(text)
        return [v for v in ordered if _node_allows(spec, text, v.split(".")[0])]
    if constraint.kind == "minimum":
        try:
            wanted = Version(constraint.text)
        except InvalidVersion:
            raise NoVersion(f"{constraint.text!r} is not a version") from None
        exact = [v for v in ordered if Version(v).release[:2] == wanted.release[:2]]
        newer = [v for v in ordered if Version(v) > wanted and v not in exact]
        return exact + newer
    raise NoVersion(f"unknown constraint kind {constraint.kind!r}")


def choose(constraint: Constraint, available: list[str]) -> str:
    """The version to build with; NoVersion names what was asked and what there is."""
    found = allowed(constraint, available)
    if not found:
        have = ", ".join(sorted(available, key=version_key, reverse=True)) or "none"
        where = f" ({constraint.source})" if constraint.source else ""
        raise NoVersion(f"{constraint.text}{where} allows none of the available versions: {have}")
    return found[0]
