""".NET's ``APP.deps.json``, written by ``dotnet publish`` beside the app: ``libraries`` maps
``"Name/Version"`` to its kind: NuGet packages are ``"type": "package"``, the app itself and its
project references ``"project"`` (both listed, as syft lists them, with a nuget purl)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl

MAX_BYTES = 8 << 20
# As syft does, the app and its project references count too: they are in the image.
_KINDS = ("package", "project")


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    try:
        document = json.loads(data or b"")
    except ValueError:
        context.warn(f"/{path}: not valid JSON, its packages are not listed")
        return
    libraries = document.get("libraries") if isinstance(document, dict) else None
    if not isinstance(libraries, dict):
        return
    for key, library in libraries.items():
        if not isinstance(library, dict) or library.get("type") not in _KINDS:
            continue
        name, _, version = key.partition("/")
        if name and version:
            yield Found(name, version, "nuget", purl("nuget", name, version), path)


ANALYZER = Analyzer("dotnet-deps", 1, Wants(MAX_BYTES, suffixes=(".deps.json",)), collect)
