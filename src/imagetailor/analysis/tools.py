"""The tool inventory: which catalogued tools the final file system holds, by category.

Evidence, strongest first: an executable in a PATH-like directory ('file'; a link to busybox is a
'busybox-applet'), a Python distribution or npm module ('package' with its path), a directory
such as ``.git`` ('directory'), and a package database entry ('package' without a path).
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from imagetailor.analysis.catalog import ToolCatalogue, normalize_dist
from imagetailor.analysis.model import PackageInfo, ToolHit
from imagetailor.analysis.tree import MergedTree, Node

_SITE_DIST = re.compile(
    r"(?:^|/)(?:site|dist)-packages/([A-Za-z0-9][A-Za-z0-9._+-]*?)-[0-9][^/-]*"
    r"(?:-py[^/]*)?\.(?:dist|egg)-info\Z"
)
_NODE_MODULE = re.compile(r"(?:^|/)node_modules/((?:@[^/]+/)?[^/@.][^/]*)\Z")


class _PathDirs:
    """Is a directory PATH-like: the catalogue's list plus the image's own PATH."""

    def __init__(self, patterns: list[str], image_path: list[str]) -> None:
        self.exact = {p for p in patterns if not any(c in p for c in "*?[")}
        self.exact |= {d.strip("/") for d in image_path if d.startswith("/")}
        globbed = [p for p in patterns if p not in self.exact]
        self.globs = [re.compile(fnmatch.translate(p)) for p in globbed]
        self.cache: dict[str, bool] = {}

    def __contains__(self, directory: str) -> bool:
        known = self.cache.get(directory)
        if known is None:
            known = directory in self.exact or any(g.match(directory) for g in self.globs)
            self.cache[directory] = known
        return known


def _is_busybox_link(tree: MergedTree, path: str, node: Node, name: str) -> bool:
    if name == "busybox":
        return False
    if node.kind == "hardlink":
        return posixpath.basename(node.link or "") == "busybox"
    if node.kind == "symlink":
        resolved = tree.resolve(path)
        return resolved is not None and posixpath.basename(resolved) == "busybox"
    return False


def _candidates(tree: MergedTree, path_dirs: _PathDirs) -> Iterator[tuple[str, Node]]:
    """The only nodes a hit can come from: directories, and what sits directly in a PATH-like
    directory. Walking the directories instead of every path: a few hundred, not 35,000."""
    nodes = tree.nodes
    for directory, children in tree.children.items():
        node = nodes.get(directory)
        if directory and node is not None:
            yield directory, node
        if directory in path_dirs:
            for child in children:
                node = nodes.get(child)
                if node is not None and node.kind != "dir":
                    yield child, node


def find_tools(
    tree: MergedTree,
    catalogue: ToolCatalogue,
    image_path: list[str],
    packages: list[PackageInfo],
) -> tuple[dict[str, list[str]], list[ToolHit]]:
    path_dirs = _PathDirs(catalogue.path_dirs, image_path)
    hits: list[ToolHit] = []
    for path, node in _candidates(tree, path_dirs):
        slash = path.rfind("/")
        parent, name = (path[:slash], path[slash + 1 :]) if slash >= 0 else ("", path)
        if node.kind == "dir":
            for category in catalogue.directories.match(name):
                hits.append(
                    ToolHit(
                        name=name,
                        category=category,
                        path="/" + path,
                        layer=node.layer,
                        evidence="directory",
                    )
                )
            site = _SITE_DIST.search(path)
            if site:
                dist = normalize_dist(site.group(1))
                for category in catalogue.python.match(dist):
                    hits.append(
                        ToolHit(
                            name=dist,
                            category=category,
                            path="/" + path,
                            layer=node.layer,
                            evidence="package",
                        )
                    )
            elif "node_modules/" in path:
                module = _NODE_MODULE.search(path)
                if module:
                    for category in catalogue.npm.match(module.group(1)):
                        hits.append(
                            ToolHit(
                                name=module.group(1),
                                category=category,
                                path="/" + path,
                                layer=node.layer,
                                evidence="package",
                            )
                        )
            continue
        if node.kind not in ("file", "hardlink", "symlink") or parent not in path_dirs:
            continue
        categories = catalogue.executables.match(name)
        if not categories:
            continue
        if node.kind == "symlink":
            target = tree.resolve(path)
            if target is None or tree.nodes[target].kind == "dir":
                continue  # a dangling link runs nothing
        evidence = "busybox-applet" if _is_busybox_link(tree, path, node, name) else "file"
        for category in categories:
            hits.append(
                ToolHit(
                    name=name,
                    category=category,
                    path="/" + path,
                    layer=node.layer,
                    evidence=evidence,
                )
            )
    by_name = {(hit.category, hit.name) for hit in hits}
    for package in packages:
        if package.manager not in ("dpkg", "apk"):
            continue
        for category in catalogue.packages.match(package.name):
            hits.append(
                ToolHit(
                    name=package.name,
                    category=category,
                    path=None,
                    layer=package.layer,
                    evidence="package",
                    package=package.name,
                )
            )
    inventory: dict[str, list[str]] = {}
    for hit in hits:
        if hit.path is not None:
            entry = hit.path
        elif (hit.category, hit.name) in by_name:
            continue  # the file is already listed; the package adds nothing to the inventory
        else:
            entry = f"pkg:{hit.name}"
        inventory.setdefault(hit.category, [])
        if entry not in inventory[hit.category]:
            inventory[hit.category].append(entry)
    for entries in inventory.values():
        entries.sort()
    hits.sort(key=lambda h: (h.category, h.path or "", h.name))
    return dict(sorted(inventory.items())), hits
