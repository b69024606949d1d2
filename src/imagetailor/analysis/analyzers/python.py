"""Python distributions by their metadata folder's name: ``NAME-VERSION.dist-info`` (wheels,
pip) and ``NAME-VERSION[-pyX.Y].egg-info`` (setuptools; distutils wrote it as a file). Found
wherever they are: ``pip install --target /opt/deps`` puts them outside site-packages.

The licence is in the folder's METADATA (PKG-INFO for egg-info), among the headers before the
description: ``License-Expression`` (PEP 639, an SPDX expression), else a one-line
``License``, else the ``License ::`` classifiers' names. Only the headers are read, bounded."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl

_DIST_INFO = re.compile(
    r"(?:^|/)([A-Za-z0-9][A-Za-z0-9._+-]*?)-([0-9][^/-]*)(?:-py[^/]*)?\.(?:dist|egg)-info\Z"
)


def normalized(name: str) -> str:
    """PEP 503's form, which the pypi purl type uses."""
    return re.sub(r"[-_.]+", "-", name).lower()


_METADATA = re.compile(r"\.(?:dist-info/METADATA|egg-info/PKG-INFO)\Z")
MAX_METADATA_BYTES = 64 << 10  # headers come first; a long description after them is cut
MAX_LICENSES = 16


def metadata_licenses(path: str, data: bytes, size: int) -> bytes:
    """The licences of a core-metadata file's headers, one a line."""
    fields: dict[str, list[str]] = {}
    last = ""
    for line in data.decode("utf-8", "replace").splitlines():
        if not line.strip():
            break  # the body (the long description) starts here
        if line[0] in " \t":
            if last == "License":
                fields["License"].append("")  # a multi-line licence text: not a name
            continue
        last, _, value = line.partition(":")
        if last in ("License-Expression", "License", "Classifier"):
            fields.setdefault(last, []).append(value.strip())
    names = fields.get("License-Expression", [])[:1]
    if not names:
        text = fields.get("License", [])
        if len(text) == 1 and text[0] and text[0].upper() != "UNKNOWN" and len(text[0]) <= 200:
            names = text
    if not names:
        classifiers = (c.split("::") for c in fields.get("Classifier", []))
        names = [c[-1].strip() for c in classifiers if len(c) > 2 and c[0].strip() == "License"]
    return "\n".join(dict.fromkeys(n for n in names[:MAX_LICENSES] if n)).encode()


def metadata_path(found: Found) -> str:
    return found.path + ("/METADATA" if found.path.endswith(".dist-info") else "/PKG-INFO")


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    match = _DIST_INFO.search(path)
    if match:
        name, version = match.group(1), match.group(2)
        yield Found(name, version, "python", purl("pypi", normalized(name), version), path)


ANALYZER = Analyzer(
    "python-dist-info",
    2,
    Wants(0, suffixes=(".dist-info", ".egg-info"), pattern=_DIST_INFO, kinds=("dir", "file")),
    collect,
    license_files=Wants(MAX_METADATA_BYTES, suffixes=("/METADATA", "/PKG-INFO"), pattern=_METADATA),
    license_reduce=metadata_licenses,
    license_path=metadata_path,
)
