"""dpkg's database, ``/var/lib/dpkg/status``: one paragraph per package, installed or not."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

STATUS = "var/lib/dpkg/status"
MAX_BYTES = 64 << 20  # the status file of a large distribution image is a few MiB


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


ANALYZER = Analyzer("dpkg", 1, Wants(MAX_BYTES, exact=(STATUS,)), collect)
