"""What an analyzer is: the paths it wants, how much of each, and what it collects from them.

The shape is trivy's (fanal): every analyzer declares the files it needs (``Wants``), the one
pass over the layers keeps those files' bytes (bounded) on the merged tree, and after the merge
``collect`` turns each surviving file into packages. A file a later layer deleted or replaced
is gone from the tree, so what is collected is what the final image holds.

Nothing here may import pydantic (or the models): the layer workers import the registry to
decide, for every file of every layer, whether to keep its bytes. Analyzers return plain
``Found`` records; ``analysis/packages.py`` makes them models.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

# The path tests an analyzer declares. A path (relative to the root, no leading slash) is
# wanted when it is one of ``exact``, or starts with one of ``prefixes``, or ends with one of
# ``suffixes``, and then (when given) also matches ``pattern``. The registry folds every
# analyzer's literals into one C-level test, so the regex runs only for the few names that pass.


@dataclass(frozen=True)
class Wants:
    max_bytes: int  # how much of a wanted file is read (0: the name is enough)
    exact: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    kinds: tuple[str, ...] = ("file",)  # "dir" for analyzers that judge by a folder's name
    # The whole file or nothing (a zip's directory is at its end): a file larger than
    # ``max_bytes`` is not read at all, and ``reduce`` gets b"" with its size.
    whole: bool = False

    def match(self, path: str) -> bool:
        if not (
            path in self.exact
            or (self.prefixes and path.startswith(self.prefixes))
            or (self.suffixes and path.endswith(self.suffixes))
        ):
            return False
        return self.pattern is None or self.pattern.search(path) is not None


@dataclass(frozen=True, slots=True)
class Found:
    """One package an analyzer found (``path``: the file that says so)."""

    name: str
    version: str
    manager: str
    purl: str
    path: str
    # The source package it was built from (dpkg's Source:, apk's origin): distribution
    # advisories name source packages.
    source: str | None = None
    # The licences the package's record declares, as written there (an SPDX expression, a
    # name, or Debian's short name); empty when it says none or the record is elsewhere (see
    # ``Analyzer.license_path``).
    licenses: tuple[str, ...] = ()


@dataclass
class Context:
    """What collectors may need beyond their own file: the distribution (os-release ``ID``
    and ``VERSION_ID``) for purls, and a sink for one-line warnings about unreadable input."""

    distro: str | None = None
    distro_version: str | None = None
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


# collect(path, data, context): data is the bytes kept for the path (after ``reduce``), or
# None for analyzers that judge by name.
Collect = Callable[[str, "bytes | None", Context], Iterable[Found]]
# reduce(path, data, size): runs in the layer worker right after the bytes are read, so big
# inputs (jars) become a small record before they are pickled and kept on the tree.
# ``size`` is the member's full size: ``len(data) < size`` means the read was cut short.
Reduce = Callable[[str, bytes, int], bytes]
# An ELF section reader: the section's bytes -> a JSON-able summary (kept in the ELF summary).
SectionReader = Callable[[bytes], object]


@dataclass(frozen=True)
class Analyzer:
    name: str
    version: int  # bump when what it finds changes (for caches keyed on analyzer versions)
    wants: Wants | None
    collect: Collect
    reduce: Reduce | None = None
    elf_section: str | None = None  # collect gets this section's summary of ELF programs
    section_reader: SectionReader | None = None
    # Lock files say what was declared, not what is installed: their packages are dropped
    # where an installed record names the same purl.
    declared: bool = False
    # Licences kept in another file than the package's record (dpkg's
    # /usr/share/doc/PKG/copyright, a dist-info's METADATA): the files to keep, their
    # ``reduce`` to the licence names (one a line, in the layer worker, so only those ride on),
    # and for a found package the path of its file (analysis/packages.py joins them).
    license_files: Wants | None = None
    license_reduce: Reduce | None = None
    license_path: Callable[[Found], str | None] | None = None


def purl(kind: str, name: str, version: str, namespace: str = "", **qualifiers: str) -> str:
    """A package URL (github.com/package-url/purl-spec): each part percent-encoded."""

    def part(text: str) -> str:
        return quote(text, safe="")

    text = f"pkg:{kind}/"
    if namespace:
        text += "/".join(part(p) for p in namespace.split("/")) + "/"
    text += part(name)
    if version:
        text += "@" + quote(version, safe=":")
    kept = sorted((k, v) for k, v in qualifiers.items() if v)
    if kept:
        text += "?" + "&".join(f"{k}={quote(v, safe=':')}" for k, v in kept)
    return text


def text_of(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", "replace")
