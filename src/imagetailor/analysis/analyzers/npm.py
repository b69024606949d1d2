"""npm packages: every ``node_modules/NAME/package.json`` (and ``node_modules/@scope/NAME/``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl

MANIFEST = re.compile(r"(?:^|/)node_modules/(?:@[^/]+/)?[^/]+/package\.json\Z")
MAX_BYTES = 256 << 10  # a package.json is a few KiB; a larger one is cut, then unreadable
MAX_LICENSES = 16


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    try:
        manifest = json.loads(data or b"")
    except ValueError:
        return
    if not isinstance(manifest, dict) or not isinstance(manifest.get("name"), str):
        return
    name = manifest["name"]
    version = manifest.get("version", "")
    version = version if isinstance(version, str) else str(version)
    scope, _, bare = name.rpartition("/")
    yield Found(
        name, version, "npm", purl("npm", bare, version, scope), path,
        licenses=manifest_licenses(manifest),
    )  # fmt: skip


def manifest_licenses(manifest: dict[str, object]) -> tuple[str, ...]:
    """``license`` (an SPDX expression; old packages wrote ``{"type": ...}``) or the
    deprecated ``licenses`` list of those objects."""
    found = manifest.get("license")
    entries = found if found is not None else manifest.get("licenses")
    if not isinstance(entries, list):
        entries = [entries]
    names = []
    for entry in entries[:MAX_LICENSES]:
        name = entry.get("type") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip() and len(name) <= 200:
            names.append(name.strip())
    return tuple(dict.fromkeys(names))


ANALYZER = Analyzer(
    "npm", 2, Wants(MAX_BYTES, suffixes=("/package.json",), pattern=MANIFEST), collect
)
