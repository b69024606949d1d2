"""Every analyzer, registered here and only here, and the one fast test the layer pass runs.

``wanted_bytes(path)`` is called for every regular file of every layer: the literals of every
analyzer's ``Wants`` are folded into one dict lookup (exact paths, decided when this module
loads) and two C-level ``startswith``/``endswith`` calls on tuples, so almost every name is
turned away without a regex or a Python loop. The few that pass are tested analyzer by
analyzer. Adding an analyzer: a module with an ``ANALYZER`` (or ``ANALYZERS``) and a line
below — nothing else changes.

No pydantic here (the layer workers import this module).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from imagetailor.analysis.analyzers import (
    apk,
    cargo,
    composer,
    dotnet,
    dpkg,
    gemfilelock,
    gemspec,
    jar,
    npm,
    python,
    statusd,
)
from imagetailor.analysis.analyzers.interface import (
    Analyzer,
    Context,
    Found,
    SectionReader,
    Wants,
)

ANALYZERS: tuple[Analyzer, ...] = (
    dpkg.ANALYZER,
    statusd.ANALYZER,
    apk.ANALYZER,
    python.ANALYZER,
    npm.ANALYZER,
    composer.ANALYZER,
    gemspec.ANALYZER,
    gemfilelock.ANALYZER,
    *jar.ANALYZERS,
    dotnet.ANALYZER,
    cargo.ANALYZER,
)

# Files read for other parts of the analysis, not for packages: the distribution (purls), and
# what the start check needs (where libraries are looked for, who the user is).
OS_RELEASE = ("etc/os-release", "usr/lib/os-release")
MAX_SMALL_FILE = 64 << 10
# dpkg's file list per package: which package a setuid/setgid file belongs to (hygiene.py).
# A list is a few KiB; the biggest (kernel headers) a few MiB: past the bound, owner unknown.
DPKG_FILE_LISTS = "var/lib/dpkg/info/"
MAX_FILE_LIST = 1 << 20
READS = (
    Wants(MAX_SMALL_FILE, exact=OS_RELEASE),
    Wants(MAX_SMALL_FILE, exact=("etc/passwd", "etc/group"), prefixes=("etc/ld.so.conf",)),
    Wants(MAX_FILE_LIST, prefixes=(DPKG_FILE_LISTS,), pattern=re.compile(r"\.list\Z")),
)


class Registry:
    """The analyzers' path tests, compiled into one check."""

    def __init__(self, analyzers: Iterable[Analyzer], reads: Iterable[Wants] = ()) -> None:
        self.analyzers = tuple(analyzers)
        content = [a.wants for a in self.analyzers if a.wants and a.wants.max_bytes]
        self._content = (*content, *reads)
        self._content_analyzers = tuple(
            a for a in self.analyzers if a.wants is not None and a.wants.max_bytes
        )
        self._reducers = tuple(a for a in self._content_analyzers if a.reduce is not None)
        self._by_name = tuple(a for a in self.analyzers if a.wants and not a.wants.max_bytes)
        self._name_suffixes = tuple(s for a in self._by_name for s in a.wants.suffixes)  # type: ignore[union-attr]
        self._prefixes = tuple(p for w in self._content for p in w.prefixes)
        self._suffixes = tuple(s for w in self._content for s in w.suffixes)
        # Exact paths: the answer is known now, whatever else they also match.
        self._exact = {p: self._slow(p) for w in self._content for p in w.exact}
        self.elf_sections: dict[str, SectionReader] = {
            a.elf_section: a.section_reader
            for a in self.analyzers
            if a.elf_section and a.section_reader is not None
        }

    def wanted_bytes(self, path: str) -> int:
        """Bytes of the file at ``path`` (relative to the root) to keep (0: none)."""
        found = self._exact.get(path)
        if found is not None:
            return found
        if path.endswith(self._suffixes) or path.startswith(self._prefixes):
            return self._slow(path)
        return 0

    def _slow(self, path: str) -> int:
        return max((w.max_bytes for w in self._content if w.match(path)), default=0)

    def reduce(self, path: str, data: bytes, size: int) -> bytes:
        """The kept bytes after the wanting analyzer's ``reduce`` (run in the layer worker)."""
        for analyzer in self._reducers:
            if analyzer.wants is not None and analyzer.wants.match(path):
                return analyzer.reduce(path, data, size)  # type: ignore[misc]
        return data

    def whole(self, path: str) -> bool:
        """Whether the analyzer that wants ``path`` needs all of it or nothing."""
        return any(w.whole and w.match(path) for w in self._content)

    def collect(
        self, files: Iterable[tuple[str, str, bytes | None, object]], context: Context
    ) -> Iterator[tuple[Found, object, Analyzer]]:
        """Every package in ``files`` — (path, kind, kept bytes or ELF summary, tag) of the
        merged tree — with its file's tag (the layer) and the analyzer that found it."""
        from imagetailor.analysis import elf

        by_name, suffixes = self._by_name, self._name_suffixes
        for path, kind, data, tag in files:
            if suffixes and path.endswith(suffixes):
                for analyzer in by_name:
                    if kind in analyzer.wants.kinds and analyzer.wants.match(path):  # type: ignore[union-attr]
                        yield from (
                            (f, tag, analyzer) for f in analyzer.collect(path, None, context)
                        )
            if data is None or kind == "dir":
                continue
            if data.startswith(elf.SUMMARY_MARK):
                for analyzer in self.analyzers:
                    if analyzer.elf_section:
                        section = elf.section(data, analyzer.elf_section)
                        if section is not None:
                            found = analyzer.collect(path, section, context)
                            yield from ((f, tag, analyzer) for f in found)
                continue
            for analyzer in self._content_analyzers:
                if analyzer.wants.match(path):  # type: ignore[union-attr]
                    yield from ((f, tag, analyzer) for f in analyzer.collect(path, data, context))


REGISTRY = Registry(ANALYZERS, READS)
wanted_bytes = REGISTRY.wanted_bytes
