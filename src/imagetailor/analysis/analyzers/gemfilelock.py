"""Bundler's lock file, ``Gemfile.lock``: the gems an app was resolved with, for apps whose gems
are vendored without their specifications. Sections GEM, GIT and PATH each list ``specs:``,
one gem a line as ``    name (version)`` (four spaces; deeper lines are its dependencies)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

MAX_BYTES = 1 << 20
# A lock inside an installed gem's own folder (gems/rbs-3.4.0/Gemfile.lock) is that gem's
# development setup, not something installed: only other locks (the app's) are read.
_APP_LOCK = re.compile(r"^(?!(?:.*/)?gems/[^/]+/).*(?:^|/)Gemfile\.lock\Z")
_SPEC = re.compile(r"^ {4}([^\s(]+) \(([^)\s]+)\)\s*$")
_SECTIONS = ("GEM", "GIT", "PATH")


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    section = ""
    for line in text_of(data).splitlines():
        if line and not line[0].isspace():
            section = line.strip()
            continue
        if section in _SECTIONS:
            match = _SPEC.match(line)
            if match:
                name, version = match.groups()
                yield Found(name, version, "gem", purl("gem", name, version), path)


ANALYZER = Analyzer(
    "gemfile-lock",
    1,
    Wants(MAX_BYTES, exact=("Gemfile.lock",), suffixes=("/Gemfile.lock",), pattern=_APP_LOCK),
    collect,
    declared=True,
)
