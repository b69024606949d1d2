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
from collections.abc import Callable, Iterable, Iterator

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


Claim = tuple[Wants, Analyzer]  # an analyzer with its (present) path test


class Registry:
    """The analyzers' path tests, compiled into one check."""

    def __init__(self, analyzers: Iterable[Analyzer], reads: Iterable[Wants] = ()) -> None:
        self.analyzers = tuple(analyzers)
        claims = [(a.wants, a) for a in self.analyzers if a.wants is not None]
        self._content: tuple[Claim, ...] = tuple((w, a) for w, a in claims if w.max_bytes)
        self._by_name: tuple[Claim, ...] = tuple((w, a) for w, a in claims if not w.max_bytes)
        licenses = [
            (a.license_files, a.license_reduce)
            for a in self.analyzers
            if a.license_files is not None
        ]
        self._reducers = (
            *((w, a.reduce) for w, a in self._content if a.reduce is not None),
            *((w, r) for w, r in licenses if r is not None),
        )
        self._elf = tuple(a for a in self.analyzers if a.elf_section)
        self._reads = (*(w for w, _ in self._content), *(w for w, _ in licenses), *reads)
        # The literals of every path test, folded for the one C-level pre-check.
        self._prefixes = tuple(p for w in self._reads for p in w.prefixes)
        self._suffixes = tuple(s for w in self._reads for s in w.suffixes)
        # Exact paths: the answer is known now, whatever else they also match.
        self._exact = {p: self._slow(p) for w in self._reads for p in w.exact}
        self._name_exact = frozenset(p for w, _ in self._by_name for p in w.exact)
        self._name_prefixes = tuple(p for w, _ in self._by_name for p in w.prefixes)
        self._name_suffixes = tuple(s for w, _ in self._by_name for s in w.suffixes)
        self.elf_sections: dict[str, SectionReader] = {
            a.elf_section: a.section_reader
            for a in self._elf
            if a.elf_section and a.section_reader is not None
        }

        self.wanted_bytes = self._compiled()

    def _compiled(self) -> Callable[[str], int]:
        """``wanted_bytes(path)``: bytes of the file at ``path`` (relative to the root) to
        keep, 0 for none. A closure over locals: no attribute lookups on the hot path."""
        exact = self._exact.get
        suffixes = tuple(dict.fromkeys(self._suffixes))
        prefixes = tuple(dict.fromkeys(self._prefixes))
        slow = self._slow

        def wanted_bytes(path: str) -> int:
            found = exact(path)
            if found is not None:
                return found
            if path.endswith(suffixes) or path.startswith(prefixes):
                return slow(path)
            return 0

        return wanted_bytes

    def _slow(self, path: str) -> int:
        return max((w.max_bytes for w in self._reads if w.match(path)), default=0)

    def reduce(self, path: str, data: bytes, size: int) -> bytes:
        """The kept bytes after the wanting analyzer's ``reduce`` (run in the layer worker)."""
        for wants, reduce in self._reducers:
            if wants.match(path):
                return reduce(path, data, size)
        return data

    def whole(self, path: str) -> bool:
        """Whether the analyzer that wants ``path`` needs all of it or nothing."""
        return any(w.whole and w.match(path) for w in self._reads)

    def collect(
        self, files: Iterable[tuple[str, str, bytes | None, object]], context: Context
    ) -> Iterator[tuple[Found, object, Analyzer]]:
        """Every package in ``files`` — (path, kind, kept bytes or ELF summary, tag) of the
        merged tree — with its file's tag (the layer) and the analyzer that found it."""
        from imagetailor.analysis import elf

        for path, kind, data, tag in files:
            if (
                path.endswith(self._name_suffixes)
                or path.startswith(self._name_prefixes)
                or path in self._name_exact
            ):
                for wants, analyzer in self._by_name:
                    if kind in wants.kinds and wants.match(path):
                        found = analyzer.collect(path, None, context)
                        yield from ((f, tag, analyzer) for f in found)
            if data is None or kind == "dir":
                continue
            if data.startswith(elf.SUMMARY_MARK):
                for analyzer in self._elf:
                    section = elf.section(data, analyzer.elf_section or "")
                    if section is not None:
                        found = analyzer.collect(path, section, context)
                        yield from ((f, tag, analyzer) for f in found)
                continue
            for wants, analyzer in self._content:
                if wants.match(path):
                    found = analyzer.collect(path, data, context)
                    yield from ((f, tag, analyzer) for f in found)


REGISTRY = Registry(ANALYZERS, READS)
wanted_bytes = REGISTRY.wanted_bytes
