"""Which files' content the secret scan reads: candidates by name or path, and app sources.

(Package databases are chosen by the analyzers: analysis/analyzers/registry.py.)

Decided for every regular file of every layer while the tar streams by, so it is kept cheap,
and free of pydantic: layer workers (see ``layerscan``) import this module, not the models.
"""

from __future__ import annotations

import fnmatch
import re

from imagetailor.analysis.catalog import SecretCatalogue


def _compile(globs: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(fnmatch.translate(glob)) for glob in globs]


def combined(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


class GlobPrecheck:
    """A cheap test every match of a list of fnmatch globs passes: each glob's literal suffix,
    literal prefix or longest literal run must be in the text. A regex of globs that start with
    ``*`` backtracks over the whole name; the pre-check turns almost every name away with a few
    C-level string tests, and the regex decides the rest."""

    def __init__(self, globs: list[str], count: int) -> None:
        prefixes: list[str] = []
        suffixes: list[str] = []
        inner: list[str] = []
        # Globs we cannot reason about (no literal, bracket classes, or a catalogue built
        # without its glob strings) make the pre-check pass everything.
        self.always = len(globs) != count
        for glob in globs:
            runs = re.split(r"[*?]", glob)
            if "[" in glob or not any(runs):
                self.always = True
            elif runs[-1]:
                suffixes.append(runs[-1])
            elif runs[0]:
                prefixes.append(runs[0])
            else:
                inner.append(max(runs, key=len))
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        # One C-level search for all the inner runs (a generator over them costs more).
        self.inner = re.compile("|".join(re.escape(run) for run in inner)) if inner else None


class SecretCandidates:
    """Files worth scanning for secrets, chosen by name before any content is read."""

    def __init__(self, catalogue: SecretCatalogue, read_elf: bool = True) -> None:
        # Also read ELF programs and libraries for their summaries (analysis/elf.py)?
        self.read_elf = read_elf
        self.max_file_bytes = catalogue.max_file_bytes
        self._names = combined(catalogue.candidate_files)
        self._paths = combined(catalogue.candidate_paths)
        self._names_precheck = GlobPrecheck(
            catalogue.candidate_file_globs, len(catalogue.candidate_files)
        )
        self._paths_precheck = GlobPrecheck(
            catalogue.candidate_path_globs, len(catalogue.candidate_paths)
        )
        self.source_max_file_bytes = catalogue.source_max_file_bytes
        globs = catalogue.source_file_globs
        # "*.py"-style globs become one C-level endswith; anything fancier goes through a regex.
        simple = all(g.startswith("*.") and not any(c in g[1:] for c in "*?[") for g in globs)
        self._source_suffixes = tuple(g[1:] for g in globs) if simple else None
        self._source_names = None if simple else combined(_compile(globs))
        self._source_roots = combined(catalogue.source_roots)
        self._source_exclude = combined(catalogue.source_exclude)

    def wants(self, path: str) -> int:
        """Bytes to read of the file at ``path`` (relative to the root), 0 when not a candidate."""
        base = path[path.rfind("/") + 1 :]
        return self.named_wants(path, base) or self.source_wants(path, base)

    def named_wants(self, path: str, base: str) -> int:
        """Bytes to read of a file that is a candidate by its name or path (.npmrc, *.pem, ...)."""
        # The pre-checks are spelled out, not called: this runs for every file of every layer.
        names = self._names_precheck
        if (
            self._names is not None
            and (
                names.always
                or base.endswith(names.suffixes)
                or base.startswith(names.prefixes)
                or (names.inner is not None and names.inner.search(base) is not None)
            )
            and self._names.match(base)
        ):
            return self.max_file_bytes
        rooted = "/" + path
        paths = self._paths_precheck
        if (
            self._paths is not None
            and (
                paths.always
                or rooted.endswith(paths.suffixes)
                or rooted.startswith(paths.prefixes)
                or (paths.inner is not None and paths.inner.search(rooted) is not None)
            )
            and self._paths.match(rooted)
        ):
            return self.max_file_bytes
        return 0

    def source_wants(self, path: str, base: str | None = None) -> int:
        """Bytes to read of an application source file (see ``source_files`` in secrets.toml)."""
        base = path[path.rfind("/") + 1 :] if base is None else base
        if self._source_roots is None:
            return 0
        if self._source_suffixes is not None:
            if not base.endswith(self._source_suffixes):
                return 0
        elif self._source_names is None or not self._source_names.match(base):
            return 0
        rooted = "/" + path
        if not self._source_roots.match(rooted):
            return 0
        if self._source_exclude is not None and self._source_exclude.match(rooted):
            return 0
        return self.source_max_file_bytes
