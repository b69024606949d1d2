"""Installed packages in the final tree, from every analyzer (analysis/analyzers/).

The layer pass kept the bytes each analyzer asked for on the merged tree; here each surviving
file goes to the analyzers that want it, and what they found becomes ``PackageInfo`` (the
analyzers themselves stay free of pydantic for the layer workers' sake).
"""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found
from imagetailor.analysis.analyzers.registry import REGISTRY, Registry
from imagetailor.analysis.model import PackageInfo
from imagetailor.analysis.osrelease import os_release
from imagetailor.analysis.tree import MergedTree


def _files(tree: MergedTree) -> Iterator[tuple[str, str, bytes | None, object]]:
    for path, node in tree.nodes.items():
        yield path, node.kind, None if node.kind == "dir" else node.data, node.layer


def _licenses_elsewhere(tree: MergedTree, found: Found, analyzer: Analyzer) -> list[str]:
    """The licences the analyzer's licence file for ``found`` holds (reduced to names, one a
    line, in the layer worker); the path may pass through a symlink (Debian links
    /usr/share/doc/PKG to another package's folder of the same source)."""
    if analyzer.license_path is None:
        return []
    wanted = analyzer.license_path(found)
    path = tree.resolve(wanted) if wanted is not None else None
    node = tree.nodes.get(path) if path is not None else None
    data = node.data if node is not None else None
    return data.decode("utf-8", "replace").split("\n") if data else []


def installed_packages(
    tree: MergedTree, warnings: list[str] | None = None, registry: Registry = REGISTRY
) -> list[PackageInfo]:
    """Every package the analyzers find, sorted by (manager, name, version). Lock files'
    packages (declared, not installed) are dropped where an installed record has the purl."""
    release = os_release(tree)
    context = Context(
        distro=release.id if release else None,
        distro_version=release.version_id if release else None,
    )
    installed: list[PackageInfo] = []
    locked: list[PackageInfo] = []
    for found, layer, analyzer in registry.collect(_files(tree), context):
        licenses = list(found.licenses) or _licenses_elsewhere(tree, found, analyzer)
        info = PackageInfo(
            name=found.name,
            version=found.version,
            manager=found.manager,
            layer=layer if isinstance(layer, int) else None,
            source=found.source,
            purl=found.purl,
            path="/" + found.path,
            licenses=licenses,
        )
        (locked if analyzer.declared else installed).append(info)
    have = {p.purl for p in installed}
    packages = installed + [p for p in locked if p.purl not in have]
    packages.sort(key=lambda p: (p.manager, p.name, p.version))
    if warnings is not None:
        warnings += context.warnings
    return packages
