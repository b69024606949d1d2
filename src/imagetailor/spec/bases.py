"""Base images: the upstream names a generated Dockerfile uses, and the map to local stand-ins.

A base map (TOML, ``[bases."upstream:tag"] image = ..., family = apt|apk|none``) redirects each
upstream name to a mirror or an air-gapped stand-in and says which package manager it has. The
map comes from, in rising precedence: ``[bases]`` in tailor.toml, ``TAILOR_BASE_MAP``,
``--base-map FILE``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from imagetailor.errors import UsageError

Family = Literal["apt", "apk", "none"]
FAMILIES: tuple[Family, ...] = ("apt", "apk", "none")
BASE_MAP_ENV = "TAILOR_BASE_MAP"


@dataclass(frozen=True)
class Base:
    upstream: str
    image: str
    family: Family


def default_family(upstream: str) -> Family:
    """The package manager an upstream image has, judged by its name."""
    name = upstream.split("@", 1)[0]
    if name == "scratch" or "distroless" in name:
        return "none"
    if name.split("/")[-1].startswith("alpine") or "-alpine" in name or ":alpine" in name:
        return "apk"
    return "apt"


def upstream_names(language: str, version: str) -> dict[str, str]:
    """Role -> upstream reference for a language: toolchain, deploy runtime, local tool donor."""
    major = version.split(".")[0]
    toolchain = {
        "go": f"golang:{version}-bookworm",
        "python": f"python:{version}-slim-bookworm",
        "node": f"node:{version}-bookworm-slim",
    }[language]
    deploy = {
        "go": "gcr.io/distroless/static-debian12:nonroot",
        # Debian 12's python3 is 3.11: the distroless runtime matches only that version.
        "python": "gcr.io/distroless/python3-debian12:nonroot",
        "node": f"gcr.io/distroless/nodejs{major}-debian12:nonroot",
    }[language]
    return {"toolchain": toolchain, "deploy": deploy, "tools": "alpine:3.20"}


def node_upstream(version: str) -> str:
    return f"node:{version}-bookworm-slim"


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
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"base map {path} does not exist: check --base-map/{BASE_MAP_ENV}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read base map {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"base map {path} is not valid TOML: {exc}") from None
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
