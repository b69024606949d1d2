"""dpkg's database, ``/var/lib/dpkg/status``: one paragraph per package, installed or not.

Licences are not in the database: each package's ``/usr/share/doc/PKG/copyright`` says them,
in Debian's machine-readable format (DEP-5: ``License: SHORT-NAME`` lines) for most packages
and in free text otherwise; a ``/usr/share/common-licenses/NAME`` reference names one too.
Only the first ``MAX_COPYRIGHT_BYTES`` are read (the short names come before the licence
texts), reduced in the layer worker to the names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

STATUS = "var/lib/dpkg/status"
MAX_BYTES = 64 << 20  # the status file of a large distribution image is a few MiB
DOC = "usr/share/doc/"
MAX_COPYRIGHT_BYTES = 64 << 10
MAX_LICENSES = 32  # distinct names per package; a few packages list dozens of file licences
_COPYRIGHT = re.compile(r"\Ausr/share/doc/[^/]+/copyright\Z")
_LICENSE_LINE = re.compile(r"^License:[ \t]*(\S[^\n]*?)[ \t]*$", re.MULTILINE)
_COMMON = re.compile(r"/usr/share/common-licenses/([A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+])")


def paragraphs(
    path: str, data: bytes | None, context: Context, require_status: bool
) -> Iterator[Found]:
    """Packages of a dpkg status text. Removed packages keep a paragraph ("deinstall ok
    config-files"): only "installed" ones count; ``require_status`` False for distroless's
    status.d files, which have no Status field."""
    from debian.deb822 import Deb822  # imported when an image has a dpkg database

    distro = context.distro or "debian"
    release = f"{distro}-{context.distro_version}" if context.distro_version else ""
    for paragraph in Deb822.iter_paragraphs(text_of(data).splitlines()):
        name = paragraph.get("Package")
        if not name:
            continue
        status = paragraph.get("Status")
        if status is None and require_status:
            continue
        if status is not None and status.split()[-1:] != ["installed"]:
            continue
        version = paragraph.get("Version", "")
        arch = paragraph.get("Architecture", "")
        upstream = _upstream(paragraph.get("Source", ""), version)
        yield Found(
            name, version, "dpkg",
            purl("deb", name, version, distro, arch=arch, distro=release, upstream=upstream),
            path, source=paragraph.get("Source", "").split(" ", 1)[0] or None,
        )  # fmt: skip


def _upstream(source: str, version: str) -> str:
    """The purl's ``upstream`` qualifier as syft writes it: the source package, with its
    version when that differs from the binary's ("Source: util-linux (2.41-5)", or a binNMU's
    "+b1" build)."""
    name, _, rest = source.strip().partition(" ")
    if not name:
        return ""
    source_version = rest.strip().strip("()").strip()
    return f"{name}@{source_version}" if source_version and source_version != version else name


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    return paragraphs(path, data, context, require_status=True)


def copyright_licenses(path: str, data: bytes, size: int) -> bytes:
    """The licence names of a copyright file, one a line: DEP-5 ``License:`` lines in the
    order they first appear, then the common-licenses files the text points to (as syft
    reads them, so both list the same names)."""
    text = text_of(data)
    found = [m.group(1) for m in _LICENSE_LINE.finditer(text)]
    found += [m.group(1) for m in _COMMON.finditer(text)]
    names = list(dict.fromkeys(n for n in found if len(n) <= 200))[:MAX_LICENSES]
    return "\n".join(names).encode()


def copyright_path(found: Found) -> str:
    return f"{DOC}{found.name}/copyright"


LICENSE_FILES = Wants(MAX_COPYRIGHT_BYTES, suffixes=("/copyright",), pattern=_COPYRIGHT)
ANALYZER = Analyzer(
    "dpkg",
    2,
    Wants(MAX_BYTES, exact=(STATUS,)),
    collect,
    license_files=LICENSE_FILES,
    license_reduce=copyright_licenses,
    license_path=copyright_path,
)
