"""Composer's record of what ``composer install`` put in vendor/: ``vendor/composer/installed.json``
(Composer 2 writes ``{"packages": [...]}``, Composer 1 a bare list)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl

INSTALLED = "vendor/composer/installed.json"
MAX_BYTES = 64 << 20
_INSTALLED = re.compile(r"(?:^|/)vendor/composer/installed\.json\Z")


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    try:
        document = json.loads(data or b"")
    except ValueError:
        context.warn(f"/{path}: not valid JSON, its packages are not listed")
        return
    entries = document.get("packages") if isinstance(document, dict) else document
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = entry["name"]
        version = entry.get("version")
        version = version if isinstance(version, str) else ""
        vendor, _, bare = name.rpartition("/")
        licenses = entry.get("license")  # a list of SPDX identifiers (a string in old ones)
        licenses = licenses if isinstance(licenses, list) else [licenses]
        yield Found(
            name, version, "composer", purl("composer", bare, version, vendor), path,
            licenses=tuple(x for x in licenses[:16] if isinstance(x, str) and 0 < len(x) <= 200),
        )  # fmt: skip


ANALYZER = Analyzer(
    "composer", 2, Wants(MAX_BYTES, suffixes=(INSTALLED,), pattern=_INSTALLED), collect
)
