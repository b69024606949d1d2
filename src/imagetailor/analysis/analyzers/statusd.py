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


ANALYZER = Analyzer("dpkg-status.d", 1, Wants(dpkg.MAX_BYTES, prefixes=(PREFIX,)), collect)
