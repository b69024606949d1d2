"""The per-layer file tree recorded from the analysis pass: statuses, hidden bytes, directories."""

from __future__ import annotations

from imagetailor.analysis import analyze
from imagetailor.analysis.filetree import DirIndex, FileTreeRecorder, ImageFiles
from tests.imagefactory import File, ImageSpec, LayerSpec, Opaque, Whiteout, memory_image
from tests.report.images import sample_spec


def record(spec: ImageSpec) -> ImageFiles:
    recorder = FileTreeRecorder()
    analyze(memory_image(spec), files=recorder)
    assert recorder.files is not None
    return recorder.files


def by_path(entries: list) -> dict[str, tuple[str, int, bool]]:  # type: ignore[type-arg]
    return {e.path: (e.status, e.size, e.hidden) for e in entries}


def test_statuses_and_hidden_per_layer() -> None:
    files = record(sample_spec(small_files=2))
    base, app, last = (by_path(layer) for layer in files.layers)
    assert base["var/cache/apt/pkgcache.bin"] == ("added", 200_000, True)
    assert base["usr/lib/libc.so.6"] == ("added", 300_000, False)
    assert app["var/cache/apt/pkgcache.bin"] == ("removed", 0, False)
    assert app["app/config.json"] == ("added", 8, True)
    assert app["app/server"] == ("added", 100_004, False)
    assert last["app/config.json"] == ("modified", 1_022, False)
    assert files.hidden_bytes == [200_000, 8, 0]
    merged = by_path(files.merged)
    assert "var/cache/apt/pkgcache.bin" not in merged
    assert merged["app/config.json"] == ("modified", 1_022, False)


def test_opaque_directory_removes_what_was_below() -> None:
    spec = ImageSpec(
        layers=[
            LayerSpec([File("d/a", b"1" * 10), File("d/b", b"2" * 20), File("e", b"3")]),
            LayerSpec([Opaque("d"), File("d/c", b"4" * 5), Whiteout("e")]),
        ]
    )
    files = record(spec)
    top = by_path(files.layers[1])
    assert top["d/a"][0] == top["d/b"][0] == top["e"][0] == "removed"
    assert top["d/c"] == ("added", 5, False)
    assert files.hidden_bytes == [31, 0]
    index = DirIndex.of(files.merged)
    assert index.children[""] == ["d"]
    assert index.total["d"] == 5 and index.count["d"] == 2


def test_dir_index_makes_missing_parents_and_sums() -> None:
    files = record(ImageSpec(layers=[LayerSpec([File("x/y/z", b"1" * 7), File("x/w", b"1" * 9)])]))
    index = DirIndex.of(files.layers[0])
    assert index.children["x"] == ["x/w", "x/y"]  # biggest first
    assert index.total[""] == 16 and index.total["x/y"] == 7
    assert index.is_dir("x/y") and not index.is_dir("x/w")
