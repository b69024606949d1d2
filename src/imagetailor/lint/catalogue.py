"""The lint data (src/imagetailor/data/lint.toml): tool lists, runtimes, patterns users extend.

Both lint.toml and the shared tool catalogue (tools.toml) load through the one catalogue loader,
so ``~/.config/imagetailor/lint.toml`` and ``TAILOR_LINT`` (or ``tools.toml`` / ``TAILOR_TOOLS``)
extend what lint knows the same way they extend ``tailor inspect``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError
from imagetailor.secretmatch import SecretCatalogue, secret_catalogue

LINT_ENV = "TAILOR_LINT"
TOOLS_ENV = "TAILOR_TOOLS"

# Which list of a tools.toml category names what each package manager installs.
_CATALOGUE_KEY = {"pip": "python", "npm": "npm", "gem": "executables", "go": "executables"}


def _normalize_python(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Catalogue:
    # tools.toml: category -> {"packages"|"python"|"npm"|"executables": names}
    shared_tools: dict[str, dict[str, tuple[str, ...]]]
    tools: dict[str, tuple[str, ...]]  # lint.toml extras: category -> package globs
    build_tool_categories: tuple[str, ...]
    deploy_tool_categories: tuple[str, ...]  # not to ship in a deploy image (TL202)
    sdk_images: tuple[str, ...]
    runtimes: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # name -> (packages, images)
    distributions: tuple[str, ...]
    static_build_markers: tuple[str, ...]
    minimal_bases: str
    install_commands: tuple[tuple[str, ...], ...]
    single_file_run: int
    unwanted_in_context: tuple[str, ...]
    pointless_commands: frozenset[str]
    vague_stage_names: tuple[re.Pattern[str], ...]
    stage_purposes: Mapping[str, str]  # lower-case stage name -> the purpose it announces
    # The secrets.toml `tailor inspect` scans with, loaded on the first ARG or ENV (TL112):
    # compiling its ~20 patterns and ~100 globs takes about 5 ms, which a file with neither
    # does not need to spend.
    _secrets: dict[str, SecretCatalogue] = field(default_factory=dict, compare=False, repr=False)

    def secrets(self) -> SecretCatalogue:
        if "catalogue" not in self._secrets:
            self._secrets["catalogue"] = secret_catalogue()
        return self._secrets["catalogue"]

    def tool_category(self, package: str, manager: str = "apt") -> str | None:
        """The tool category of a package installed by a package manager (apt, apk, rpm, pip,
        npm, gem, go), from the shared catalogue first, then lint.toml's extra names."""
        key = _CATALOGUE_KEY.get(manager, "packages")
        name = _normalize_python(package) if key == "python" else package
        for category, names in self.shared_tools.items():
            if matches_any(name, names.get(key, ())):
                return category
        for category, globs in self.tools.items():
            if matches_any(package, globs):
                return category
        return None

    def runtime_of_package(self, package: str) -> str | None:
        for name, (packages, _) in self.runtimes.items():
            if matches_any(package, packages):
                return name
        return None

    def runtime_of_image(self, image: str) -> str | None:
        repository = image_repository(image)
        for name, (_, images) in self.runtimes.items():
            if matches_any(repository, images):
                return name
        return None


def matches_any(name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name.lower(), glob.lower()) for glob in globs)


def image_repository(image: str) -> str:
    """`docker.io/library/python:3.12-slim@sha256:..` -> `python`; registries other than
    Docker Hub keep their host so `gcr.io/distroless/static` stays distinct."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name.lower()


def _shared_tools() -> dict[str, dict[str, tuple[str, ...]]]:
    """The tool catalogue `tailor inspect` uses, with the user's additions."""
    categories = load_catalogue("tools.toml", TOOLS_ENV).get("categories", {})
    shared: dict[str, dict[str, tuple[str, ...]]] = {}
    for category, spec in categories.items():
        if isinstance(spec, dict):
            shared[category] = {
                key: tuple(
                    _normalize_python(str(n)) if key == "python" else str(n)
                    for n in spec.get(key, [])
                )
                for key in ("packages", "python", "npm", "executables")
            }
    return shared


def _strings(table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    return tuple(str(item) for item in value)


def _stage_purposes(table: dict[str, Any]) -> dict[str, str]:
    """``purpose = [stage names]`` -> stage name -> purpose (a name claimed twice is an error)."""
    by_name: dict[str, str] = {}
    for purpose in table:
        for name in _strings(table, purpose):
            claimed = by_name.setdefault(name.lower(), purpose)
            if claimed != purpose:
                raise UsageError(
                    f"lint catalogue: stage name {name!r} announces both {claimed} and {purpose}"
                )
    return by_name


@cache
def lint_catalogue() -> Catalogue:
    data = load_catalogue("lint.toml", LINT_ENV)
    runtimes = {
        name: (_strings(entry, "packages"), _strings(entry, "images"))
        for name, entry in data["runtimes"].items()
    }
    return Catalogue(
        shared_tools=_shared_tools(),
        tools={category: tuple(globs) for category, globs in data["tools"].items()},
        build_tool_categories=_strings(data["build_tools"], "categories"),
        deploy_tool_categories=_strings(data["deploy_tools"], "categories"),
        sdk_images=_strings(data["build_tools"], "sdk_images"),
        runtimes=runtimes,
        distributions=_strings(data["distributions"], "images"),
        static_build_markers=_strings(data["distributions"], "static_build_markers"),
        minimal_bases=str(data["distributions"]["minimal_bases"]),
        install_commands=tuple(
            tuple(command.split()) for command in _strings(data["dependencies"], "install_commands")
        ),
        single_file_run=int(data["copies"]["single_file_run"]),
        unwanted_in_context=_strings(data["copies"], "unwanted_in_context"),
        pointless_commands=frozenset(_strings(data.get("commands", {}), "pointless_in_build")),
        vague_stage_names=tuple(
            re.compile(pattern, re.IGNORECASE) for pattern in _strings(data["stage_names"], "vague")
        ),
        stage_purposes=_stage_purposes(data["stage_names"]["purposes"]),
    )
