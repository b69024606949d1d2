"""Python distributions by their metadata folder's name: ``NAME-VERSION.dist-info`` (wheels,
pip) and ``NAME-VERSION[-pyX.Y].egg-info`` (setuptools; distutils wrote it as a file). Found
wherever they are: ``pip install --target /opt/deps`` puts them outside site-packages."""

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


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    match = _DIST_INFO.search(path)
    if match:
        name, version = match.group(1), match.group(2)
        yield Found(name, version, "python", purl("pypi", normalized(name), version), path)


ANALYZER = Analyzer(
    "python-dist-info",
    1,
    Wants(0, suffixes=(".dist-info", ".egg-info"), pattern=_DIST_INFO, kinds=("dir", "file")),
    collect,
)
