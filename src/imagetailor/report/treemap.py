"""The treemap's data: the final file system as nested cells, bounded in size.

An image of 20,000 files must still make a report of a few hundred kB, so not every path gets a
cell: a directory lists its biggest children, each worth at least ``MIN_SHARE`` of the image, up
to ``MAX_CHILDREN``; the rest of it becomes one "N smaller entries" cell of their total size. The
top level is always listed whole (the report shows one cell per top directory), and the whole
tree stops at ``MAX_CELLS``. Each cell carries its layer: the one that wrote most of its bytes,
so colours say which instruction filled which part of the disk.

Cells are compact dicts (the page's script reads them): ``n`` name, ``s`` bytes, ``l`` layer,
``k`` kind ("d" directory, "f" anything else, "g" a group of smaller entries), ``c`` children,
``m`` how many entries a group or directory holds.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from imagetailor.analysis.analyze import printable
from imagetailor.analysis.filetree import DirIndex

MIN_SHARE = 0.001
MAX_CHILDREN = 40
MAX_CELLS = 3000


def treemap_cells(index: DirIndex) -> dict[str, Any]:
    """The root cell ("/") with its subtree, bounded as the module says."""
    layers = _layer_bytes(index)
    total = index.total.get("", 0)
    floor = total * MIN_SHARE
    budget = [MAX_CELLS]

    def dominant(path: str) -> int:
        counts = layers.get(path)
        if counts:
            return max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
        entry = index.entries.get(path)
        return entry.layer if entry is not None else 0

    def cell(path: str, top: bool) -> dict[str, Any]:
        budget[0] -= 1
        name = printable(path.rsplit("/", 1)[-1]) if path else "/"
        node: dict[str, Any] = {"n": name, "s": index.total.get(path, 0), "l": dominant(path)}
        if not index.is_dir(path):
            node["k"] = "f"
            return node
        node["k"] = "d"
        node["m"] = index.count.get(path, 0) - (1 if path else 0)
        children = index.children.get(path, [])
        shown: list[dict[str, Any]] = []
        rest = children
        for position, child in enumerate(children):
            keep = top or (
                position < MAX_CHILDREN and index.total[child] >= floor and budget[0] > 0
            )
            if not keep:
                rest = children[position:]
                break
            shown.append(cell(child, False))
        else:
            rest = []
        if rest:
            group = Counter[int]()
            for child in rest:
                for layer, size in (layers.get(child) or {_entry_layer(index, child): 0}).items():
                    group[layer] += size
            size = sum(index.total[child] for child in rest)
            members = sum(index.count[child] for child in rest)
            layer = max(group.items(), key=lambda item: (item[1], -item[0]))[0] if group else 0
            shown.append({"n": f"{members} smaller entries", "s": size, "l": layer, "k": "g",
                          "m": members})  # fmt: skip
            budget[0] -= 1
        node["c"] = shown
        return node

    return cell("", True)


def _entry_layer(index: DirIndex, path: str) -> int:
    entry = index.entries.get(path)
    return entry.layer if entry is not None else 0


def _layer_bytes(index: DirIndex) -> dict[str, dict[int, int]]:
    """Bytes per layer at or under each directory (files carry their own layer), summed from
    the deepest paths up: a few layers per directory, so small dicts."""
    sums: dict[str, dict[int, int]] = {}
    for path in sorted(index.entries, key=lambda p: p.count("/"), reverse=True):
        entry = index.entries[path]
        own = sums.get(path)
        if own is None:
            own = {entry.layer: entry.size} if entry.size else {}
            if own:
                sums[path] = own
        if not own:
            continue
        parent = path.rsplit("/", 1)[0] if "/" in path else ""
        into = sums.setdefault(parent, {})
        for layer, size in own.items():
            into[layer] = into.get(layer, 0) + size
    return sums


def count_cells(node: dict[str, Any]) -> int:
    return 1 + sum(count_cells(child) for child in node.get("c", ()))
