"""Reading a language's sources for hints, the same way for every language: the environment
variables the app reads and the port it listens on, from the regexes in its data file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Conventions

_TEST_NAMES = re.compile(r"(^test_.*|.*_test\.(go|py)|.*\.(test|spec)\.[cm]?[jt]sx?|conftest\.py)$")
_TEST_DIRS = {"test", "tests", "__tests__", "spec", "testdata", "e2e"}


@dataclass
class SourceHints:
    config: list[str] = field(default_factory=list)
    port: int | None = None
    port_source: str = ""
    files: list[str] = field(default_factory=list)  # the non-test sources read


def is_test_path(relative: str) -> bool:
    parts = relative.split("/")
    return bool(_TEST_NAMES.match(parts[-1])) or any(p in _TEST_DIRS for p in parts[:-1])


@cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def scan_sources(files: ProjectFiles, conventions: Conventions) -> SourceHints:
    hints = SourceHints()
    env = _compiled(tuple(conventions.env))
    ports = _compiled(tuple(conventions.ports))
    for path in files.walk(tuple(conventions.sources), frozenset(conventions.skip_dirs)):
        if is_test_path(path) or path.rsplit("/", 1)[-1] in conventions.skip_files:
            continue
        text = files.text(path) or ""
        hints.files.append(path)
        # In the order the source reads them, whichever pattern found each.
        found = sorted((m.start(), m.group(1)) for p in env for m in p.finditer(text))
        for _, name in found:
            if name not in hints.config:
                hints.config.append(name)
        if hints.port is None:
            for pattern in ports:
                match = pattern.search(text)
                if match and 1 <= int(match.group(1)) <= 65535:
                    hints.port = int(match.group(1))
                    hints.port_source = path
                    break
    return hints


def folders_named(
    files: ProjectFiles,
    candidates: list[str],
    code: list[str],
    quotes: str = '"',
    after: str = "/",
    skip: frozenset[str] = frozenset(),
) -> list[str]:
    """Candidate folders (a language's asset_dirs) that exist and that a string literal in the
    code names by relative path ("templates/x", "./static"): read at run time, so deploy carries
    them. ``quotes`` open a literal, ``after`` may follow the name besides a quote; folders whose
    first part is in ``skip`` are compiled in (Go's //go:embed)."""
    q = re.escape(quotes)
    found: list[str] = []
    for folder in candidates:
        if not files.is_dir(folder) or folder.split("/")[0] in skip:
            continue
        literal = re.compile(f"[{q}](?:\\./)?{re.escape(folder)}(?:[{re.escape(after)}{q}])")
        if any(literal.search(t) for t in code):
            found.append(folder)
    return found
