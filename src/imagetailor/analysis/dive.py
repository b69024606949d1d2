"""dive's waste figures, computed the way dive 0.13 computes them, so both tools agree.

dive (wagoodman/dive, ``dive/filetree/efficiency.go`` and the docker-archive reader) builds one
tree per layer from the tar entries and then, for every *leaf* of every layer tree, adds up the
size the path takes in each layer. Its definitions, which we reproduce including their quirks:

- a layer's size is the sum of the declared sizes of all its tar entries;
- user size is the sum of the sizes of all layers but the first;
- per layer tree, only leaves count (a directory with entries below it in that layer does not);
  a parent directory created implicitly (no entry of its own) carries an empty payload;
- an opaque marker (``.wh..wh..opq``) is ignored entirely (its parent is still created);
- a whiteout ``.wh.X`` counts, for path X, the size of X in the stack of the lower layers: the
  sum over X's subtree if X was a directory there, otherwise 0; if X is not in that stack, dive
  stops visiting the rest of that layer (remaining leaves of that layer are not counted) and the
  path keeps an entry with no size (its minimum stays -1, which lowers the score's numerator);
- the stack used for layer k (k > 0) is layer 0 stacked twice, then layers 1..k-1; for layer 0
  it is layer 0 itself; stacking replaces payloads (implicit parents get the empty payload)
  and removes whiteout targets;
- efficiency = Σ min size per path / Σ cumulative size per path (1.0 when nothing is counted);
- a path seen in two or more leaves is inefficient; wasted bytes = Σ of their cumulative sizes;
- wasted user ratio = wasted bytes / user size (dive divides blindly; with no user bytes we
  report 0.0 where dive would print NaN or +Inf).
Leaves are visited depth first, children in byte order, like dive's ``VisitDepthChildFirst``.

dive's trees are kept flat here: one dict per tree from the entry's own path string (the object
the merged tree keys by too) to its size, a set of the paths that are directories, and for the
layer being read the set of paths that have children (the others are its leaves). A
million-entry layer cost 250 bytes a path as a tree of node objects with a dict each; flat it
is a few dict and set slots. Order matters only where dive's quirks depend on it (whiteouts),
and only those layers are sorted into dive's visiting order.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

WHITEOUT_PREFIX = ".wh."
DOUBLE_WHITEOUT_PREFIX = ".wh..wh.."


def _parent(path: str) -> str:
    cut = path.rfind("/")
    return path[:cut] if cut >= 0 else ""


def _name(path: str) -> str:
    return path[path.rfind("/") + 1 :]


def _dive_order(path: str) -> str:
    """A key that sorts paths in dive's visiting order: depth first, children by name ('/'
    below every character a name can hold, so "a/b" sorts before "a-b" as a child of "a"
    comes before its sibling)."""
    return path.replace("/", "\0")


def _whiteout_target(path: str) -> str:
    """dive's Path() of a whiteout leaf: the '.wh.' prefix dropped (without the leading '/')."""
    parent, name = _parent(path), _name(path)[len(WHITEOUT_PREFIX) :]
    return f"/{parent}/{name}".replace("//", "/")[1:] if parent else name


class _Tree:
    """One of dive's trees, flat: path -> size, and which paths are directories."""

    def __init__(self, sizes: dict[str, int] | None = None, dirs: set[str] | None = None) -> None:
        self.sizes: dict[str, int] = {} if sizes is None else sizes
        self.dirs: set[str] = set() if dirs is None else dirs
        self._sorted: list[str] | None = None

    def copy(self) -> _Tree:
        return _Tree(dict(self.sizes), set(self.dirs))

    def under(self, path: str) -> list[str]:
        """The paths strictly below ``path`` (a sorted snapshot, made once per use of a
        whiteout layer: prefixes are contiguous in plain string order)."""
        if self._sorted is None:
            self._sorted = sorted(self.sizes)
        keys = self._sorted
        prefix = f"{path}/" if path else ""
        found = []
        for position in range(bisect_left(keys, prefix), len(keys)):
            key = keys[position]
            if not key.startswith(prefix):
                break
            if key in self.sizes and key != path:
                found.append(key)
        return found

    def forget_order(self) -> None:
        self._sorted = None

    def lookup(self, path: str) -> tuple[bool, bool]:
        """(exists, is_dir) as dive's tree walk sees ``path`` (empty parts skipped; '' is the
        root, which exists and is not a directory)."""
        key = "/".join(part for part in path.split("/") if part)
        if not key:
            return True, False
        return key in self.sizes, key in self.dirs

    def subtree_size(self, path: str) -> int:
        key = "/".join(part for part in path.split("/") if part)
        sizes = self.sizes
        return sizes.get(key, 0) + sum(sizes[k] for k in self.under(key))

    def set(self, path: str, size: int, is_dir: bool) -> None:
        self.sizes[path] = size
        if is_dir:
            self.dirs.add(path)
        else:
            self.dirs.discard(path)

    def remove(self, path: str, below: Iterable[str]) -> None:
        for key in (path, *below):
            if self.sizes.pop(key, None) is not None:
                self.dirs.discard(key)


@dataclass
class DiveResult:
    efficiency: float
    wasted_bytes: int
    size_bytes: int
    user_size_bytes: int
    wasted_user_ratio: float
    layer_sizes: list[int]
    inefficient: list[tuple[str, int, int]]  # (path, count, cumulative size)


@dataclass
class DiveEmulator:
    """Feed each layer's entries in tar order, then ``result()``."""

    # path -> [cumulative size, minimum size (-1: none yet), leaves counted], or for the many
    # paths seen once just their size (a list per path cost 4 MB on benchmarks/inspect)
    _totals: dict[str, int | list[int]] = field(default_factory=dict)
    _inefficient: list[str] = field(default_factory=list)
    _stacked: _Tree | None = None
    _layer_sizes: list[int] = field(default_factory=list)
    _tree: _Tree | None = None
    # the current layer's paths that have a child in that layer: every other path is a leaf
    _parents: set[str] = field(default_factory=set)
    _size: int = 0
    _whiteouts_in_layer: bool = False

    def begin_layer(self) -> None:
        self._tree = _Tree()
        self._parents = {""}
        self._size = 0
        self._whiteouts_in_layer = False

    def add_entries(self, entries: Iterable[tuple[Any, ...]]) -> None:
        """The layer's tar entries in order, as (path, kind, size, ...) tuples: ``path`` the
        cleaned name ('' for the root entry, which dive skips), ``kind`` 'dir' for directories.
        A batch per call, not an entry: this loop runs once per member of every layer."""
        tree = self._tree
        assert tree is not None
        sizes, dirs, parents = tree.sizes, tree.dirs, self._parents
        layer_size = self._size
        for entry in entries:
            path = entry[0]
            if not path:
                continue
            size = entry[2]
            layer_size += size
            if ".wh." in path:
                self._whiteouts_in_layer = True
            slash = path.rfind("/")
            parent_path = path[:slash] if slash >= 0 else ""
            if parent_path not in parents and not self._add_parents(parent_path):
                continue  # dive's AddPath gave up on a missing '.wh..wh..' part
            # dive's AddPath for the last name: replace the payload (keeping children) or
            # create the node; a new name starting with '.wh..wh..' (an opaque marker) is never
            # added (its parents were, above, as dive makes them).
            if path not in sizes and path[slash + 1 :].startswith(DOUBLE_WHITEOUT_PREFIX):
                continue
            parents.add(parent_path)
            sizes[path] = size
            if entry[1] == "dir":
                dirs.add(path)
            elif dirs:
                dirs.discard(path)
        self._size = layer_size

    def _add_parents(self, parent_path: str) -> bool:
        """dive's walk to a parent: missing parts are created with an empty payload (size 0,
        not a directory), top down; False where a missing part is named '.wh..wh..*' (the
        parts above it stay created)."""
        tree = self._tree
        assert tree is not None
        parents = self._parents
        chain = []
        current = parent_path
        while current and current not in parents:
            chain.append(current)
            current = _parent(current)
        for path in reversed(chain):
            if path not in tree.sizes:
                if _name(path).startswith(DOUBLE_WHITEOUT_PREFIX):
                    return False
                tree.sizes[path] = 0
            parents.add(_parent(path))
        return True

    def end_layer(self) -> None:
        tree = self._tree
        assert tree is not None
        lower = tree if self._stacked is None else self._stacked
        parents = self._parents
        leaves = [path for path in tree.sizes if path not in parents]
        if self._whiteouts_in_layer:
            # Only here does dive's visiting order change a figure (the break below).
            leaves.sort(key=_dive_order)
        all_totals = self._totals
        sizes = tree.sizes
        for path in leaves:
            whiteout = _name(path).startswith(WHITEOUT_PREFIX)
            if whiteout:
                path = _whiteout_target(path)
                exists, is_dir = lower.lookup(path)
                if not exists:
                    if path not in all_totals:
                        all_totals[path] = [0, -1, 0]  # dive keeps the path, with no size
                    break  # dive's visitor errors out here and skips the rest of the layer
                size = lower.subtree_size(path) if is_dir else 0
            else:
                size = sizes[path]
            totals = all_totals.get(path)
            if totals is None:
                all_totals[path] = size  # seen once: cumulative and minimum are its size
            elif isinstance(totals, int):
                all_totals[path] = [totals + size, min(totals, size), 2]
                self._inefficient.append(path)
            else:
                totals[0] += size
                if totals[1] < 0 or size < totals[1]:
                    totals[1] = size
                totals[2] += 1
                if totals[2] == 2:
                    self._inefficient.append(path)
        if self._stacked is None and not self._whiteouts_in_layer:
            # Stacking layer 0 onto a copy of itself changes nothing without whiteouts: use it.
            self._stacked = tree
        else:
            if self._stacked is None:
                self._stacked = tree.copy()
            self._stack(self._stacked, tree)
        self._layer_sizes.append(self._size)
        self._tree = None
        self._parents = set()

    def _stack(self, lower: _Tree, upper: _Tree) -> None:
        """dive's Stack: every node of the upper tree sets its payload in the lower one
        (creating it; implicit parents carry the empty payload), and a whiteout removes its
        target's subtree. Without whiteouts the order does not matter; with them, the upper
        tree is visited as dive does (depth first, children sorted), since a whiteout and a
        re-added sibling of the same name depend on which comes first."""
        if not self._whiteouts_in_layer:
            lower.sizes.update(upper.sizes)
            lower.dirs.difference_update([p for p in upper.sizes if p not in upper.dirs])
            lower.dirs |= upper.dirs
            lower.forget_order()
            return
        order = sorted(upper.sizes, key=_dive_order)
        keys = [_dive_order(path) for path in order]
        for path in order:
            if _name(path).startswith(WHITEOUT_PREFIX):
                if path in self._parents and path not in lower.sizes:
                    lower.set(path, 0, False)  # entries below a whiteout name: dive adds it
                if _name(path) == WHITEOUT_PREFIX:
                    continue  # removes the child named '' of its parent: there is none
                target = _whiteout_target(path)
                prefix = _dive_order(target) + "\0"
                start = bisect_left(keys, prefix)
                stacked_below = []
                for position in range(start, len(keys)):
                    if not keys[position].startswith(prefix):
                        break
                    stacked_below.append(order[position])
                lower.remove(target, [*lower.under(target), *stacked_below])
            else:
                lower.set(path, upper.sizes[path], path in upper.dirs)
        lower.forget_order()

    def result(self) -> DiveResult:
        minimum = discovered = 0
        for totals in self._totals.values():
            if isinstance(totals, int):
                minimum += totals
                discovered += totals
            else:
                minimum += totals[1]
                discovered += totals[0]
        efficiency = 1.0 if discovered == 0 else minimum / discovered
        inefficient = []
        for path in self._inefficient:
            totals = self._totals[path]
            assert isinstance(totals, list)  # seen at least twice
            inefficient.append(("/" + path, totals[2], totals[0]))
        inefficient.sort(key=lambda item: (-item[2], item[0]))
        wasted = sum(size for _, _, size in inefficient)
        user = sum(self._layer_sizes[1:])
        return DiveResult(
            efficiency=efficiency,
            wasted_bytes=wasted,
            size_bytes=sum(self._layer_sizes),
            user_size_bytes=user,
            wasted_user_ratio=wasted / user if user else 0.0,
            layer_sizes=list(self._layer_sizes),
            inefficient=inefficient,
        )
