"""RubyGems' installed specifications: ``.../specifications/NAME-VERSION.gemspec`` (Bundler's
/usr/local/bundle, Debian's /var/lib/gems/X, vendor/bundle/ruby/X, and ``specifications/default/``
for the gems Ruby itself ships). The file is Ruby; as syft does, only the plain assignments
``s.name = "rack"`` and ``s.version = "3.0.8"`` are read (never evaluated), the file name
being the fallback; so are ``s.licenses = ["MIT".freeze]`` and ``s.license = "MIT"``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

SPEC = re.compile(r"(?:^|/)specifications/(?:[^/]+/)*[^/]+\.gemspec\Z")
MAX_BYTES = 256 << 10  # a gemspec is a few KiB; name and version come first in a bigger one
_FIELD = r"^\s*\w+\.{0}\s*=\s*(?:Gem::Version\.new\(\s*)?([\"'])([^\"'\n]{{1,200}})\1"
_NAME = re.compile(_FIELD.format("name"), re.MULTILINE)
_VERSION = re.compile(_FIELD.format("version"), re.MULTILINE)
_LICENSES = re.compile(
    r"^\s*\w+\.licen[cs]es?\s*=\s*(\[[^\]\n]{0,1000}\]|[\"'][^\"'\n]{1,200}[\"'])", re.MULTILINE
)
_QUOTED = re.compile(r"[\"']([^\"'\n]{1,200})[\"']")
_FILE = re.compile(r"([^/]+)-([0-9][^/-]*(?:-[^/]+)?)\.gemspec\Z")


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    text = text_of(data)
    name = _NAME.search(text)
    version = _VERSION.search(text)
    named = _FILE.search(path)
    if name and version:
        found = (name.group(2), version.group(2))
    elif named:
        found = (named.group(1), named.group(2))
    else:
        context.warn(f"/{path}: no name and version found in the gemspec")
        return
    licenses = _LICENSES.search(text)
    names = _QUOTED.findall(licenses.group(1)) if licenses else []
    yield Found(found[0], found[1], "gem", purl("gem", *found), path, licenses=tuple(names[:16]))


ANALYZER = Analyzer("gemspec", 2, Wants(MAX_BYTES, suffixes=(".gemspec",), pattern=SPEC), collect)
