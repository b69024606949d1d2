"""Distroless's dpkg records: one status file per package in ``/var/lib/dpkg/status.d/``
(written by the image build, not by dpkg, so without a Status field)."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.analysis.analyzers import dpkg
from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants

PREFIX = "var/lib/dpkg/status.d/"


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    # status.d also holds "<name>.md5sums" lists next to the records: they have no paragraphs
    # with a Package field, so they yield nothing.
    return dpkg.paragraphs(path, data, context, require_status=False)


# Distroless keeps /usr/share/doc/PKG/copyright too: the same licence files as dpkg's (the
# registry keeps each file once, whoever wants it).
ANALYZER = Analyzer(
    "dpkg-status.d",
    2,
    Wants(dpkg.MAX_BYTES, prefixes=(PREFIX,)),
    collect,
    license_files=dpkg.LICENSE_FILES,
    license_reduce=dpkg.copyright_licenses,
    license_path=dpkg.copyright_path,
)
