"""Inputs for the fuzzers: arbitrary JSON, valid documents with random fields replaced, and
byte-level damage to valid archives and layers (flips, cuts, insertions)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "sha256:" + "0" * 64, "sha256:zz", "linux", "amd64", "../x", "/etc"])
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)

CONFIG_PATHS = [
    ("os",), ("architecture",), ("variant",), ("config",), ("config", "Env"),
    ("config", "Env", 0), ("config", "Labels"), ("config", "Entrypoint"), ("config", "Cmd"),
    ("config", "User"), ("config", "WorkingDir"), ("config", "ExposedPorts"),
    ("config", "Volumes"), ("rootfs",), ("rootfs", "diff_ids"), ("rootfs", "diff_ids", 0),
    ("history",), ("history", 0), ("history", 0, "created_by"), ("history", 0, "empty_layer"),
]  # fmt: skip
MANIFEST_PATHS = [
    ("config",), ("config", "digest"), ("config", "size"), ("config", "mediaType"),
    ("layers",), ("layers", 0), ("layers", 0, "size"), ("layers", 0, "mediaType"),
    ("layers", 0, "digest"), ("layers", 0, "annotations"), ("mediaType",), ("schemaVersion",),
    ("annotations",), ("manifests",),
]  # fmt: skip
INDEX_PATHS = [
    ("manifests",), ("manifests", 0), ("manifests", 0, "platform"),
    ("manifests", 0, "platform", "os"), ("manifests", 0, "digest"), ("manifests", 0, "size"),
    ("manifests", 0, "annotations"), ("manifests", 0, "mediaType"), ("mediaType",),
    ("schemaVersion",), ("layers",),
]  # fmt: skip


def mutations(paths: list[tuple[Any, ...]]) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """A few (path, new value or DELETE) changes to apply to a document."""
    value = JSON | st.just(DELETE)
    return st.lists(st.tuples(st.sampled_from(paths), value), max_size=3)


DELETE = object()


def mutate(document: Any, changes: list[tuple[Any, ...]]) -> Any:
    document = copy.deepcopy(document)
    for path, value in changes:
        target = document
        for key in path[:-1]:
            try:
                target = target[key]
            except (KeyError, IndexError, TypeError):
                break
        else:
            last = path[-1]
            try:
                if value is DELETE:
                    del target[last]
                else:
                    target[last] = value
            except (KeyError, IndexError, TypeError):
                pass
    return document


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, a cut, or an insertion (or left alone)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        if kind == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=600))
        else:
            end = min(len(out), at + draw(st.integers(1, 1024)))
            out[at:end] = bytes(end - at)
    return bytes(out)
