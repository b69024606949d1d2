"""The treemap's data: the final file system as nested cells, bounded in size.

An image of 20,000 files must still make a report of a few hundred kB, so not every path gets a
cell: directories are opened biggest first until ``MAX_CELLS`` cells are made; an opened
directory lists its biggest children, each worth at least ``MIN_SHARE`` of it, up to
``MAX_CHILDREN``, and the rest becomes one "N smaller entries" cell of their total size. The top
level is always listed whole (the report shows one cell per top directory). Each cell carries
its layer: the one that wrote most of its bytes, so colours say which instruction filled which
part of the disk.

Cells are compact dicts (the page's script reads them): ``n`` name, ``s`` bytes, ``l`` layer,
``k`` kind ("d" directory, "f" anything else, "g" a group of smaller entries), ``c`` children,
``m`` how many entries a group or directory holds.
"""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Any

from imagetailor.analysis.filetree import DirIndex
from imagetailor.analysis.onepass import printable

MIN_SHARE = 0.002  # of the directory's own bytes
MAX_CHILDREN = 40
MAX_CELLS = 3000


def treemap_cells(index: DirIndex) -> dict[str, Any]:
    """The root cell ("/") with its subtree, bounded as the module says. Directories are opened
    biggest first, wherever they are, so the cells go where the bytes are: zooming into a big
    directory shows its parts, while a tiny one stays a single cell."""
    layers = _layer_bytes(index)

    def dominant(path: str) -> int:
        counts = layers.get(path)
        if counts:
            return max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
        return _entry_layer(index, path)

    def cell(path: str) -> dict[str, Any]:
        name = printable(path.rsplit("/", 1)[-1]) if path else "/"
        node: dict[str, Any] = {"n": name, "s": index.total.get(path, 0), "l": dominant(path)}
        if index.is_dir(path):
            node["k"] = "d"
            node["m"] = index.count.get(path, 0) - (1 if path else 0)
        else:
            node["k"] = "f"
        return node

    root = cell("")
    budget = MAX_CELLS - 1
    waiting: list[tuple[int, str, dict[str, Any]]] = [(0, "", root)]
    while waiting and budget > 0:
        _, path, node = heapq.heappop(waiting)
        children = index.children.get(path, [])
        floor = node["s"] * MIN_SHARE
        shown: list[dict[str, Any]] = []
        for position, child in enumerate(children):
            # The top level is listed whole: the page shows one cell per top directory.
            if path and (position >= MAX_CHILDREN or index.total[child] < floor or budget <= 1):
                rest = children[position:]
                shown.append(_group(index, rest, layers))
                budget -= 1
                break
            child_cell = cell(child)
            shown.append(child_cell)
            budget -= 1
            if child_cell["k"] == "d" and index.children.get(child):
                heapq.heappush(waiting, (-child_cell["s"], child, child_cell))
        node["c"] = shown
    return root


def _group(index: DirIndex, rest: list[str], layers: dict[str, dict[int, int]]) -> dict[str, Any]:
    """One cell for the entries of a directory too small (or too many) to list."""
    group = Counter[int]()
    for child in rest:
        for layer, size in (layers.get(child) or {_entry_layer(index, child): 0}).items():
            group[layer] += size
    members = sum(index.count[child] for child in rest)
    layer = max(group.items(), key=lambda item: (item[1], -item[0]))[0] if group else 0
    size = sum(index.total[child] for child in rest)
    return {"n": f"{members} smaller entries", "s": size, "l": layer, "k": "g", "m": members}


def _entry_layer(index: DirIndex, path: str) -> int:
    entry = index.entries.get(path)
    return entry.layer if entry is not None else 0


def _layer_bytes(index: DirIndex) -> dict[str, dict[int, int]]:
    """Bytes per layer at or under each directory (files carry their own layer), summed from
    the children up: a few layers per directory, so small dicts."""
    sums: dict[str, dict[int, int]] = {}
    for path in sorted(index.entries, reverse=True):  # children first ("a" < "a/b")
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
