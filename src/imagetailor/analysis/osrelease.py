"""Which distribution an image is: the os-release file (freedesktop.org's os-release(5))."""

from __future__ import annotations

import shlex

from imagetailor.analysis.analyzers.registry import OS_RELEASE
from imagetailor.analysis.model import OsRelease
from imagetailor.analysis.tree import MergedTree


def parse_os_release(data: bytes) -> OsRelease | None:
    """KEY=value lines, values quoted as in a shell; None without an ID."""
    values: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        key, sep, raw = line.strip().partition("=")
        if not sep or not key or key.startswith("#"):
            continue
        try:
            words = shlex.split(raw)
        except ValueError:  # an unbalanced quote: take the text as it is
            words = [raw.strip("\"'")]
        values[key] = words[0] if words else ""
    name = values.get("ID", "").strip().lower()
    if not name:
        return None
    return OsRelease(
        id=name,
        version_id=values.get("VERSION_ID") or None,
        version_codename=values.get("VERSION_CODENAME") or None,
        pretty_name=values.get("PRETTY_NAME") or None,
    )


def os_release(tree: MergedTree) -> OsRelease | None:
    """The first of etc/os-release, usr/lib/os-release that is a file (through symlinks)."""
    for path in OS_RELEASE:
        resolved = tree.resolve(path)
        node = tree.nodes.get(resolved) if resolved is not None else None
        if node is not None and node.kind == "file" and node.data is not None:
            return parse_os_release(node.data)
    return None
