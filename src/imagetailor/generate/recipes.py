"""The tool recipe catalogue (data/recipes.toml) and the RUN lines that install its tools."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError
from imagetailor.project.bases import Family

# OS package managers; a language's own installer (pip, npm, go, ...) is named by its plug-in.
OS_MANAGERS = ("apt", "apk")
_RECIPE_KEYS = ("summary", "files", "links", "note", "run")
# A file of the user's recipes merged over data/recipes.toml (as is ~/.config/imagetailor/...).
RECIPES_ENV = "TAILOR_RECIPES"


@dataclass(frozen=True)
class Recipe:
    name: str
    summary: str
    packages: dict[str, tuple[str, ...]]  # manager -> packages
    files: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    note: str = ""
    # Commands run after the packages are installed, in stages with a package manager: a tool
    # its vendor ships only as a download (vsdbg).
    run: tuple[str, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    recipes: dict[str, Recipe]
    defaults: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Recipe:
        try:
            return self.recipes[name]
        except KeyError:
            known = ", ".join(sorted(self.recipes))
            raise UsageError(
                f"unknown tool {name!r} in tailor.toml: use one of {known} "
                f"or add a [tools.NAME] recipe (data/recipes.toml, {RECIPES_ENV})"
            ) from None

    def default_tools(self, purpose: str, language_tools: list[str], frontend: bool) -> list[str]:
        """A purpose's default tools: the catalogue's (local) or the language's (ci, dev)."""
        value = self.defaults.get(purpose, [])
        tools = list(value) if isinstance(value, list) and value else list(language_tools)
        if purpose == "dev" and frontend:
            tools += [t for t in self.defaults.get("frontend", []) if t not in tools]
        return tools


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"recipes.toml {where}: expected a list of strings")
    return tuple(value)


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    recipes: dict[str, Recipe] = {}
    for name, table in (data.get("tools") or {}).items():
        # Every other key is an installer: apt, apk, or a language's (pip, npm, go, cargo, ...).
        packages = {
            m: _strings(value, f"tools.{name}.{m}")
            for m, value in table.items()
            if m not in _RECIPE_KEYS
        }
        links = table.get("links", {})
        recipes[name] = Recipe(
            name=name,
            summary=str(table.get("summary", "")),
            packages=packages,
            files=_strings(table.get("files", []), f"tools.{name}.files"),
            links=tuple(sorted((str(k), str(v)) for k, v in links.items())),
            note=str(table.get("note", "")),
            run=_strings(table.get("run", []), f"tools.{name}.run"),
        )
    return Catalogue(recipes, dict(data.get("defaults") or {}))


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return parse_catalogue(load_catalogue("recipes.toml", RECIPES_ENV))


@dataclass(frozen=True)
class Install:
    """Packages to install with one manager."""

    manager: str
    packages: tuple[str, ...]
    notes: tuple[str, ...] = ()


def plan_installs(tools: list[str], family: Family, tool_manager: str) -> list[Install]:
    """Group the tools' packages by the manager that installs them in a stage of this family.

    OS packages come first (they may provide what the language tools need), then the language's
    own manager. A tool with no usable recipe is an error naming the tool and what is missing.
    """
    cat = catalogue()
    order = [m for m in (family, tool_manager) if m and (m in OS_MANAGERS or m == tool_manager)]
    grouped: dict[str, list[str]] = {m: [] for m in order}
    notes: dict[str, list[str]] = {m: [] for m in order}
    for tool in tools:
        recipe = cat.get(tool)
        manager = next((m for m in order if m in recipe.packages), None)
        if manager is None:
            have = ", ".join(sorted(recipe.packages)) or "none"
            raise UsageError(
                f"tool {tool!r} has no recipe for a stage with {family} and {tool_manager or 'no'} "
                f"installer (recipes: {have}): "
                f"choose another tool or add a recipe (data/recipes.toml, {RECIPES_ENV})"
            )
        for package in recipe.packages[manager]:
            if package not in grouped[manager]:
                grouped[manager].append(package)
        if recipe.note:
            notes[manager].append(f"{tool}: {recipe.note}")
    return [Install(m, tuple(grouped[m]), tuple(notes[m])) for m in order if grouped[m]]
