"""Where a package's advisories are: the OSV ecosystem and name to look it up by, and the
version order to read the ranges in (data/vulns.toml says it per package manager)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from imagetailor.analysis.model import OsRelease, PackageInfo
from imagetailor.vulns.versions import ORDERS, Compare


@dataclass(frozen=True)
class Manager:
    name: str
    ecosystem: str | None
    distribution: bool
    names: str
    order: str
    by_source: bool
    purl_type: str | None


@cache
def managers() -> dict[str, Manager]:
    text = resources.files("imagetailor.data").joinpath("vulns.toml").read_text("utf-8")
    table = tomllib.loads(text)
    return {
        name: Manager(
            name,
            entry.get("ecosystem"),
            bool(entry.get("distribution", False)),
            str(entry.get("names", "exact")),
            str(entry["order"]),
            bool(entry.get("by_source", False)),
            entry.get("purl_type"),
        )
        for name, entry in table["managers"].items()
    }


@cache
def _distributions() -> dict[str, tuple[str, ...]]:
    text = resources.files("imagetailor.data").joinpath("vulns.toml").read_text("utf-8")
    table = tomllib.loads(text).get("distributions", {})
    return {name: tuple(entry["ecosystems"]) for name, entry in table.items()}


def normalise(name: str, how: str) -> str:
    if how == "pep503":
        return re.sub(r"[-_.]+", "-", name).lower()
    if how == "lower":
        return name.lower()
    return name


def ecosystem_normalisation(ecosystem: str) -> str:
    """How names of an OSV ecosystem are compared (the index is built before packages are
    known, so a record's name is normalised by the manager of its ecosystem)."""
    for manager in managers().values():
        if manager.ecosystem == ecosystem:
            return manager.names
    return "exact"


def release_ecosystems(release: OsRelease | None) -> tuple[str, ...]:
    """The ecosystems of this distribution release: Debian 12 -> ("Debian:12",)."""
    if release is None or not release.version_id:
        return ()
    templates = _distributions().get(release.id, ())
    numbers = release.version_id.split(".")
    fields = {
        "version": release.version_id,
        "major": numbers[0],
        "minor": numbers[1] if len(numbers) > 1 else "0",
    }
    return tuple(template.format(**fields) for template in templates)


@dataclass(frozen=True)
class Lookup:
    """Where to look a package up: (ecosystem, normalised name) keys and the version order."""

    keys: tuple[tuple[str, str], ...]
    name: str  # the name the advisories use
    compare: Compare
    manager: Manager


def lookup(package: PackageInfo, release: OsRelease | None) -> Lookup | None:
    """None: no ecosystem is known for the package's manager (or the image's release)."""
    manager = managers().get(package.manager)
    if manager is None:
        return None
    if manager.distribution:
        ecosystems = release_ecosystems(release)
    else:
        ecosystems = (manager.ecosystem,) if manager.ecosystem else ()
    if not ecosystems:
        return None
    # Distribution advisories name source packages: glibc covers libc6.
    name = (package.source or package.name) if manager.by_source else package.name
    key = normalise(name, manager.names)
    return Lookup(tuple((e, key) for e in ecosystems), name, ORDERS[manager.order], manager)
