"""A bounded, read-only view of a project folder for detection.

Everything here is untrusted: a project may hold FIFOs, huge files, symlinks pointing outside it
or a million files. So only regular files inside the folder are read (a FIFO is never opened:
``lstat`` first, then ``O_NONBLOCK``), each read is capped, walks stop after a fixed number of
files and skip dependency and build trees, and nothing is ever executed.
"""

from __future__ import annotations

import fnmatch
import json
import os
import stat
import tomllib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from imagetailor.errors import TailorError
from imagetailor.untrusted import open_regular

MAX_READ = 1024 * 1024  # bytes read of any one project file
MAX_WALK = 4000  # files looked at by one walk
ALWAYS_SKIPPED = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox"}
)


class ProjectFiles:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str | None] = {}

    # --- single files -------------------------------------------------------------------------

    def _regular(self, relative: str) -> Path | None:
        """The path if it is a regular file inside the project (symlinks resolved inside it)."""
        parts = PurePosixPath(relative).parts
        if not parts or ".." in parts or PurePosixPath(relative).is_absolute():
            return None
        path = self.root.joinpath(*parts)
        try:
            resolved = path.resolve(strict=True)
            root = self.root.resolve(strict=True)
            if resolved != root and root not in resolved.parents:
                return None
            if not stat.S_ISREG(os.stat(resolved).st_mode):
                return None
        except (OSError, RuntimeError):
            return None
        return resolved

    def exists(self, relative: str) -> bool:
        return self._regular(relative) is not None

    def is_dir(self, relative: str) -> bool:
        parts = PurePosixPath(relative).parts
        if ".." in parts:
            return False
        path = self.root.joinpath(*parts)
        return path.is_dir() and not path.is_symlink()

    def text(self, relative: str) -> str | None:
        """The file's text (at most MAX_READ bytes, undecodable bytes replaced), or None."""
        if relative in self._texts:
            return self._texts[relative]
        path = self._regular(relative)
        content: str | None = None
        if path is not None:
            # The one opener for user-named files: never blocks on a FIFO, regular files only.
            try:
                with open_regular(path, "project file") as handle:
                    content = handle.read(MAX_READ).decode("utf-8", errors="replace")
            except (TailorError, OSError):
                content = None
        self._texts[relative] = content
        return content

    def json(self, relative: str) -> dict[str, Any] | None:
        text = self.text(relative)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return None
        return data if isinstance(data, dict) else None

    def toml(self, relative: str) -> dict[str, Any] | None:
        text = self.text(relative)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError, ValueError):
            return None

    def lines(self, relative: str) -> list[str]:
        text = self.text(relative)
        return [] if text is None else text.splitlines()

    # --- listings -----------------------------------------------------------------------------

    @cached_property
    def root_names(self) -> list[str]:
        try:
            return sorted(os.listdir(self.root))[:MAX_WALK]
        except OSError:
            return []

    def _entries(self, relative: str) -> list[str]:
        try:
            return sorted(os.listdir(self.root / relative if relative else self.root))[:MAX_WALK]
        except OSError:
            return []

    def glob(self, pattern: str) -> list[str]:
        """Regular files matching a glob, one fnmatch per path component, at most four deep
        ('requirements/*.txt', 'packages/*/package.json'); symlinked folders are not entered."""
        parts = pattern.strip("/").split("/")
        if len(parts) > 4:
            return []
        prefixes = [""]
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            found: list[str] = []
            for prefix in prefixes:
                names = self.root_names if not prefix else self._entries(prefix)
                for name in names:
                    if not fnmatch.fnmatch(name, part):
                        continue
                    path = f"{prefix}/{name}" if prefix else name
                    if (last and self.exists(path)) or (not last and self.is_dir(path)):
                        found.append(path)
            prefixes = found
        return prefixes

    def any(self, patterns: list[str]) -> list[str]:
        """Every path matching any of the patterns, in pattern order, without repeats."""
        seen: list[str] = []
        for pattern in patterns:
            seen += [p for p in self.glob(pattern) if p not in seen]
        return seen

    def walk(self, suffixes: tuple[str, ...], skip: frozenset[str] = frozenset()) -> Iterator[str]:
        """Root-relative regular files with these suffixes, sorted, skipping dependency trees
        and hidden folders without entering them; at most MAX_WALK files are looked at."""
        looked = 0
        skipped = ALWAYS_SKIPPED | skip
        for directory, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if d not in skipped and not d.startswith("."))
            for name in sorted(names):
                looked += 1
                if looked > MAX_WALK:
                    return
                if name.endswith(suffixes):
                    path = Path(directory) / name
                    if path.is_symlink():
                        continue
                    yield path.relative_to(self.root).as_posix()
