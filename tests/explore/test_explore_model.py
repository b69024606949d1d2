"""The explorer's per-layer replay agrees with the analysis' merged tree: after each layer it
holds exactly the final file system of the image cut there, for any stack of files,
directories, links, whiteouts and opaque markers (hypothesis), including a file replaced by a
directory, the reverse, and a whiteout and a new entry of one path in one layer.
TAILOR_EXPLORE_EXAMPLES sets how many stacks are tried (150 by default)."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from imagetailor.analysis import analyze
from imagetailor.analysis.filetree import REMOVED, FileTreeRecorder, ImageFiles
from imagetailor.explore.model import state_after
from tests.imagefactory import (
    Dir,
    Entry,
    File,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
    memory_image,
)

PATHS = ["a", "a/b", "a/b/c", "a/d", "e", "e/f", "g"]


def entry(kind: str, path: str, size: int) -> Entry:
    if kind == "file":
        return File(path, b"x" * size)
    if kind == "dir":
        return Dir(path)
    if kind == "link":
        return Symlink(path, "target")
    if kind == "whiteout":
        return Whiteout(path)
    return Opaque(path)


entries = st.builds(
    entry,
    st.sampled_from(["file", "file", "dir", "link", "whiteout", "opaque"]),
    st.sampled_from(PATHS),
    st.integers(0, 5),
)


def recorded(layers: list[list[Entry]]) -> ImageFiles:
    recorder = FileTreeRecorder()
    analyze(memory_image(ImageSpec(layers=[LayerSpec(e) for e in layers])), files=recorder)
    assert recorder.files is not None
    return recorder.files


def leaves(items: list) -> set[tuple[str, str, int, int]]:  # type: ignore[type-arg]
    return {(e.path, e.kind, e.size, e.layer) for e in items
            if e.kind != "dir" and e.status != REMOVED}  # fmt: skip


@settings(max_examples=int(os.environ.get("TAILOR_EXPLORE_EXAMPLES", "150")), deadline=None)
@given(st.lists(st.lists(entries, max_size=6), min_size=1, max_size=4))
def test_replay_after_each_layer_is_that_image_s_final_tree(layers: list[list[Entry]]) -> None:
    files = recorded(layers)
    assert leaves(state_after(files, len(layers) - 1)) == leaves(files.merged)
    for last in range(len(layers) - 1):  # the image cut after each layer
        assert leaves(state_after(files, last)) == leaves(recorded(layers[: last + 1]).merged)


def test_file_replaced_by_a_directory_and_back() -> None:
    files = recorded([[File("a", b"1")], [File("a/b", b"22")], [File("a", b"333")]])
    assert leaves(state_after(files, 1)) == {("a/b", "file", 2, 1)}
    assert leaves(state_after(files, 2)) == {("a", "file", 3, 2)} == leaves(files.merged)


@settings(max_examples=int(os.environ.get("TAILOR_EXPLORE_EXAMPLES", "150")), deadline=None)
@given(st.lists(st.lists(entries, max_size=6), min_size=1, max_size=4))
def test_marks_count_what_inspect_counts(layers: list[list[Entry]]) -> None:
    """Each layer's + and ~ marks are inspect's files_added and files_modified."""
    recorder = FileTreeRecorder()
    analysis = analyze(memory_image(ImageSpec(layers=[LayerSpec(e) for e in layers])),
                       files=recorder)  # fmt: skip
    assert recorder.files is not None
    for info, recorded_layer in zip(analysis.layers, recorder.files.layers, strict=True):
        marks = [e.status for e in recorded_layer if e.kind not in ("dir", "whiteout")]
        assert (marks.count("added"), marks.count("modified")) == (
            info.files_added,
            info.files_modified,
        ), (info.index, recorded_layer)
