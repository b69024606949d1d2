"""The file tree of each layer and of the merged image, for the views that show it (`tailor
explore`'s tree, `tailor report`'s treemap).

The Analysis keeps figures and the biggest files, not every path: a million-entry image would
make the JSON contract huge. The views need every path, so ``analyze(files=FileTreeRecorder())``
records them from the same single pass (no second read of the layers): per layer the entries it
holds and whether each was added, modified or removed (a whiteout), and at the end whether an
entry's bytes are hidden (overwritten or deleted by a later layer, so they never reach the final
file system). Paths are relative to the root, without a leading slash, as in ``MergedTree``.

``DirIndex`` turns a flat list of entries into the directory structure the views walk: children
per directory, sorted biggest first, and sizes summed per directory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imagetailor.analysis.tree import OPAQUE_MARKER, WHITEOUT_PREFIX, parent_of

if TYPE_CHECKING:
    from imagetailor.analysis.layerscan import ScannedEntry
    from imagetailor.analysis.tree import MergedTree

ADDED, MODIFIED, REMOVED, UNCHANGED = "added", "modified", "removed", "unchanged"


@dataclass(slots=True)
class TreeEntry:
    path: str
    kind: str  # file, dir, symlink, hardlink, char, block, fifo; "whiteout" for a removal
    size: int
    layer: int
    status: str  # added, modified, removed, unchanged (a directory that was already there)
    hidden: bool = False  # written here, but a later layer overwrote or deleted it


@dataclass
class ImageFiles:
    layers: list[list[TreeEntry]]  # each layer's removals, then its entries in tar order
    merged: list[TreeEntry]  # the final file system
    hidden_bytes: list[int]  # per layer: bytes it wrote that never reach the final tree


class FileTreeRecorder:
    """Fed by ``analyze`` with every layer's scanned entries (``add``) in layer order."""

    def __init__(self) -> None:
        self._layers: list[dict[str, TreeEntry]] = []
        # A layer's removals apart from its entries: a whiteout and a new entry of the same
        # path in one layer are both real (the removal applies to the layers below).
        self._removals: list[dict[str, TreeEntry]] = []
        self._present: set[str] = set()  # paths in the stack below the layer being read
        self._dirs: set[str] = set()
        self.files: ImageFiles | None = None

    def begin_layer(self, index: int) -> None:
        self._current: dict[str, TreeEntry] = {}
        self._removed: dict[str, TreeEntry] = {}
        self._index = index
        self._layers.append(self._current)
        self._removals.append(self._removed)

    def add(self, batch: Iterable[ScannedEntry]) -> None:
        current, removed, present, layer = self._current, self._removed, self._present, self._index
        for path, kind, size, *_ in batch:
            if not path:
                continue
            if WHITEOUT_PREFIX in path:
                base = path.rsplit("/", 1)[-1]
                if base == OPAQUE_MARKER:
                    directory = parent_of(path)
                    prefix = directory + "/" if directory else ""
                    # The children of the directory in the layers below, named directly or
                    # only as the parent of something deeper (no entry of its own).
                    children = {
                        prefix + p[len(prefix) :].split("/", 1)[0]
                        for p in (*present, *self._dirs)
                        if p.startswith(prefix)
                    }
                    for below in sorted(children):
                        removed.setdefault(below, TreeEntry(below, "whiteout", 0, layer, REMOVED))
                    continue
                if base.startswith(WHITEOUT_PREFIX):
                    parent = parent_of(path)
                    name = base[len(WHITEOUT_PREFIX) :]
                    target = f"{parent}/{name}" if parent else name
                    removed[target] = TreeEntry(target, "whiteout", 0, layer, REMOVED)
                    continue
            if path in present or path in self._dirs:  # a directory without an entry too
                status = UNCHANGED if kind == "dir" and path in self._dirs else MODIFIED
            else:
                status = ADDED
            current.pop(path, None)  # a duplicate: the last one wins, in tar order
            current[path] = TreeEntry(path, kind, size if kind == "file" else 0, layer, status)

    def end_layer(self) -> None:
        present, dirs = self._present, self._dirs
        # As extraction applies a layer: its removals first, then its entries.
        for path, entry in [*self._removed.items(), *self._current.items()]:
            if entry.status == REMOVED:
                present.discard(path)
                if path in dirs:  # a removed directory takes its subtree with it
                    self._drop_below(path)
            else:
                present.add(path)
                if entry.kind == "dir":
                    dirs.add(path)
                elif path in dirs:  # over a directory (rare): its subtree goes
                    self._drop_below(path)
                # Its parents are directories even without entries of their own, so removing
                # one of them removes this too.
                parent = parent_of(path)
                while parent and parent not in dirs:
                    dirs.add(parent)
                    parent = parent_of(parent)

    def _drop_below(self, path: str) -> None:
        prefix = path + "/"
        gone = [p for p in (*self._present, *self._dirs) if p.startswith(prefix)]
        self._present.difference_update(gone)
        self._dirs.difference_update(gone)
        self._dirs.discard(path)

    def finish(self, tree: MergedTree) -> ImageFiles:
        nodes = tree.nodes
        layers: list[list[TreeEntry]] = []
        for index, entries in enumerate(self._layers):
            for path, entry in entries.items():
                if entry.status != REMOVED and entry.kind != "dir":
                    final = nodes.get(path)
                    entry.hidden = final is None or final.layer != index
            layers.append([*self._removals[index].values(), *entries.values()])
        merged = []
        for path, node in nodes.items():
            if not path:
                continue
            own = (
                self._layers[node.layer].get(path) if 0 <= node.layer < len(self._layers) else None
            )
            status = own.status if own is not None else ADDED  # implicit parents
            size = node.size if node.kind == "file" else 0
            merged.append(TreeEntry(path, node.kind, size, node.layer, status))
        hidden_bytes = [0] * len(self._layers)
        for item in tree.hidden:
            if 0 <= item.layer < len(hidden_bytes):
                hidden_bytes[item.layer] += item.size
        self.files = ImageFiles(layers, merged, hidden_bytes)
        return self.files


@dataclass
class DirIndex:
    """Directories of a list of entries: ``children[dir]`` biggest first (then by name),
    ``total[path]`` the bytes at or under a path. Parents without an entry of their own (a layer
    that only adds /usr/bin/x) are made as directories of that layer."""

    entries: dict[str, TreeEntry]
    children: dict[str, list[str]] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)  # entries at or under a path

    @classmethod
    def of(cls, items: Iterable[TreeEntry]) -> DirIndex:
        entries = {item.path: item for item in items}
        for path in list(entries):
            parent = parent_of(path)
            while parent and parent not in entries:
                template = entries[path]
                entries[parent] = TreeEntry(parent, "dir", 0, template.layer, UNCHANGED)
                parent = parent_of(parent)
        children: dict[str, list[str]] = {"": []}
        total: dict[str, int] = dict.fromkeys(entries, 0)
        total[""] = 0
        count: dict[str, int] = dict.fromkeys(entries, 1)
        count[""] = 0
        # Children before parents, so each directory's figures are complete before its parent
        # adds them: a path sorts after its parent ("a" < "a/b"), so reverse order does it.
        for path in sorted(entries, reverse=True):
            parent = parent_of(path)
            children.setdefault(parent, []).append(path)
            total[path] += entries[path].size
            total[parent] += total[path]
            count[parent] += count[path]
        for paths in children.values():
            paths.sort(key=lambda p: (-total[p], p))
        return cls(entries, children, total, count)

    def is_dir(self, path: str) -> bool:
        return path == "" or path in self.children or self.entries[path].kind == "dir"
