"""Base images: the upstream names a generated Dockerfile uses, and the map to local stand-ins.

The upstream names per language and role, and the name patterns that tell a base's package
manager, are data (data/bases.toml, extended by ``~/.config/imagetailor/bases.toml`` and
``TAILOR_BASES``).

A base map (TOML, ``[bases."upstream:tag"] image = ..., family = apt|apk|none``) redirects each
upstream name to a mirror or an air-gapped stand-in and says which package manager it has. The
map comes from, in rising precedence: ``[bases]`` in tailor.toml, ``TAILOR_BASE_MAP``,
``--base-map FILE``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from imagetailor.catalogues import load_catalogue, read_toml
from imagetailor.errors import UsageError

Family = Literal["apt", "apk", "none"]
FAMILIES: tuple[Family, ...] = ("apt", "apk", "none")
BASE_MAP_ENV = "TAILOR_BASE_MAP"
BASES_ENV = "TAILOR_BASES"  # additions to data/bases.toml (upstream names, family patterns)


@dataclass(frozen=True)
class Base:
    upstream: str
    image: str
    family: Family


@dataclass(frozen=True)
class UpstreamCatalogue:
    shared: dict[str, str]  # role -> reference template every language shares (tools donor, ...)
    family_patterns: tuple[tuple[Family, tuple[re.Pattern[str], ...]], ...]  # tried in order
    default_family: Family
    debian: dict[str, int]  # Debian codename -> release number


def _family(value: object, where: str) -> Family:
    if value not in FAMILIES:
        raise UsageError(f"bases catalogue: {where} = {value!r}; use apt, apk or none")
    return value


def _parse_upstream(data: dict[str, Any]) -> UpstreamCatalogue:
    shared = (data.get("upstream") or {}).get("any") or {}
    if not isinstance(shared, dict) or not all(isinstance(v, str) for v in shared.values()):
        raise UsageError("bases catalogue: [upstream.any] must map roles to names")
    families = data.get("families") or {}
    patterns: list[tuple[Family, tuple[re.Pattern[str], ...]]] = []
    order: tuple[Family, ...] = ("none", "apk", "apt")
    for family in order:
        try:
            compiled = tuple(re.compile(str(p)) for p in families.get(family, []))
        except re.error as exc:
            raise UsageError(f"bases catalogue: families.{family}: bad regex: {exc}") from None
        patterns.append((family, compiled))
    default = _family(families.get("default", "apt"), "families.default")
    debian = data.get("debian") or {}
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in debian.values()):
        raise UsageError("bases catalogue: [debian] maps codenames to release numbers")
    return UpstreamCatalogue(dict(shared), tuple(patterns), default, dict(debian))


@cache
def upstream_catalogue() -> UpstreamCatalogue:
    return _parse_upstream(load_catalogue("bases.toml", BASES_ENV))


def default_family(upstream: str) -> Family:
    """The package manager an upstream image has, judged by its name."""
    catalogue = upstream_catalogue()
    name = upstream.split("@", 1)[0]
    for family, patterns in catalogue.family_patterns:
        if any(pattern.search(name) for pattern in patterns):
            return family
    return catalogue.default_family


class BaseMap:
    """Upstream name -> Base; names not in the map stay themselves with their default family."""

    def __init__(self, entries: Mapping[str, Base] | None = None, source: str = "") -> None:
        self.entries = dict(entries or {})
        self.source = source

    def resolve(self, upstream: str) -> Base:
        return self.entries.get(upstream) or Base(upstream, upstream, default_family(upstream))

    def family(self, upstream: str) -> Family:
        return self.resolve(upstream).family

    def merged(self, other: BaseMap) -> BaseMap:
        sources = " + ".join(s for s in (self.source, other.source) if s)
        return BaseMap({**self.entries, **other.entries}, sources)


def parse_base_table(table: object, source: str) -> BaseMap:
    if not isinstance(table, dict):
        raise UsageError(f"{source}: [bases] must hold one table per upstream image name")
    entries: dict[str, Base] = {}
    for upstream, entry in table.items():
        where = f'{source}: bases."{upstream}"'
        if not isinstance(entry, dict):
            raise UsageError(f"{where}: must be a table with image = '...' and family = '...'")
        unknown = set(entry) - {"image", "family"}
        if unknown:
            raise UsageError(f"{where}.{sorted(unknown)[0]}: unknown key; use image and family")
        image = entry.get("image")
        if not isinstance(image, str) or not image.strip():
            raise UsageError(f"{where}.image: missing; fix: give the reference to use instead")
        family = entry.get("family", default_family(upstream))
        if family not in FAMILIES:
            raise UsageError(f"{where}.family: {family!r} unknown; fix: use apt, apk or none")
        entries[upstream] = Base(upstream, image.strip(), family)
    return BaseMap(entries, source)


def load_base_map(path: Path) -> BaseMap:
    missing = f"base map {path} does not exist: check --base-map/{BASE_MAP_ENV}"
    data = read_toml(path, "base map", missing=missing)
    unknown = set(data) - {"bases"}
    if unknown:
        raise UsageError(f"{path}: unknown table {sorted(unknown)[0]!r}; a base map has [bases.*]")
    return parse_base_table(data.get("bases", {}), str(path))


def effective_base_map(spec_bases: BaseMap, flag: Path | None) -> BaseMap:
    """tailor.toml's [bases], then TAILOR_BASE_MAP, then --base-map: later ones win."""
    result = spec_bases
    env = os.environ.get(BASE_MAP_ENV)
    if env:
        result = result.merged(load_base_map(Path(env)))
    if flag is not None:
        result = result.merged(load_base_map(flag))
    return result
