"""Alpine's database, ``/lib/apk/db/installed``: blank-line separated records of ``X:value``
lines (``P`` the package, ``V`` its version, ``A`` its architecture, ``L`` its licence: an SPDX
expression in current Alpine, older names such as ``GPL2`` in old releases)."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

INSTALLED = "lib/apk/db/installed"
MAX_BYTES = 64 << 20


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    distro = context.distro or "alpine"
    release = f"{distro}-{context.distro_version}" if context.distro_version else ""
    record: dict[str, str] = {}
    for line in [*text_of(data).splitlines(), ""]:
        if not line.strip():
            name = record.get("P")
            if name:
                version, origin = record.get("V", ""), record.get("o", "")
                # syft's upstream= qualifier: the origin, when it is another name
                upstream = origin if origin != name else ""
                yield Found(
                    name, version, "apk",
                    purl("apk", name, version, distro, arch=record.get("A", ""), distro=release,
                         upstream=upstream),
                    path, source=origin or None,
                    licenses=(record["L"],) if record.get("L") else (),
                )  # fmt: skip
            record = {}
        elif line[1:2] == ":" and line[0] in "PVAoL":  # o: the origin (the aport built from)
            record[line[0]] = line[2:].strip()


ANALYZER = Analyzer("apk", 2, Wants(MAX_BYTES, exact=(INSTALLED,)), collect)
