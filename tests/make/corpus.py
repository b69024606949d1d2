"""The make corpus: project layouts other people would write (tests/projects/NAME, written from
each ecosystem's own documentation, see tests/projects/INDEX.md) plus the bundled examples, and
the ground truth beside each (NAME.expect.toml).

An expect file states what the project's own conventions say (its start command, its test
runner, the newest stand-in version its constraint allows). Where imagetailor deliberately
writes the same thing another way (it resolves `npm run start --workspace=x` to the node
command, runs pytest as `python -m pytest`), the file's ``[tailor]`` table says so, with why.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "tests" / "projects"
EXAMPLES = ROOT / "examples"
STAND_IN_MAP = Path(__file__).resolve().parent / "stand-in-map.toml"
GOLDEN = Path(__file__).resolve().parent / "golden"
SKIP = shutil.ignore_patterns("node_modules", "__pycache__", ".pytest_cache", ".venv")
EXAMPLE_EXPECT = Path(__file__).resolve().parent / "examples"
# The expect files' package-manager words, as imagetailor's plug-ins name them.
MANAGERS = {"go": "modules", "go-vendor": "vendor"}


@dataclass(frozen=True)
class Layout:
    name: str
    path: Path
    expect: dict[str, Any]

    @property
    def supported(self) -> bool:
        return self.expect.get("language") != "unsupported"

    def want(self, key: str) -> Any:
        """imagetailor's expected value: the [tailor] override, else the convention's."""
        tailor = self.expect.get("tailor", {})
        return tailor[key] if key in tailor else self.expect.get(key)

    @property
    def families(self) -> list[str]:
        return list(self.expect.get("families", []))


def layouts() -> list[Layout]:
    found: list[Layout] = []
    for expects, folder in ((PROJECTS, PROJECTS), (EXAMPLE_EXPECT, EXAMPLES)):
        for expect in sorted(expects.glob("*.expect.toml")):
            name = expect.name.removesuffix(".expect.toml")
            with expect.open("rb") as handle:
                found.append(Layout(name, folder / name, tomllib.load(handle)))
    return found


def copy(layout: Layout, target: Path) -> Path:
    """A private copy (the tests write tailor.toml and the generated files into it)."""
    destination = target / layout.path.name
    shutil.copytree(layout.path, destination, ignore=SKIP, symlinks=True)
    return destination


def manager(layout: Layout) -> str:
    value = str(layout.want("package_manager"))
    return MANAGERS.get(value, value)
