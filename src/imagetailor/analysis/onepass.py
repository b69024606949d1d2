"""One pass over an image: every layer streamed once, every analyzer fed from that pass.

``analyze(image)`` reads each layer's tar front to back exactly once (never to disk), builds the
merged file tree and dive's per-layer trees from the headers, and reads content only for the few
files an analyzer asked for by path (package databases, secret candidates, bounded in size).
Memory grows with the number of paths, not with the bytes in the layers.

How the work is split (each step's reason is where it is done): layers are read, verified and
parsed into compact records by forked workers when the source allows it (``parallel``,
``layerscan``); this process merges the records in layer order into the tree and dive's
figures while the models load on a thread; the report is built last.

Progress: ``progress(layer_index, layer_count, bytes_read)`` is called when a layer starts
(``bytes_read`` 0), every few MiB while it is read (bytes of that layer's uncompressed tar read
so far) and when it ends.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.catalog import secret_catalogue
from imagetailor.analysis.dive import DiveEmulator
from imagetailor.analysis.layercache import LayerCache
from imagetailor.analysis.layerscan import describe_layer
from imagetailor.analysis.parallel import LayerScans
from imagetailor.analysis.tree import MergedTree
from imagetailor.image.model import Image

if TYPE_CHECKING:
    from imagetailor.analysis.contents import ContentRecorder
    from imagetailor.analysis.filetree import FileTreeRecorder
    from imagetailor.analysis.model import Analysis, FileInfo, SecretHit
    from imagetailor.analysis.secrets import SecretScanner

Progress = Callable[[int, int, int], None]
MAX_HIDDEN_LISTED = 1000
MAX_INEFFICIENT_LISTED = 1000
MAX_WARNINGS = 50


def analyze(
    image: Image,
    progress: Progress | None = None,
    *,
    top_files: int = 20,
    layer_cache: LayerCache | None = None,
    files: FileTreeRecorder | None = None,
    contents: ContentRecorder | None = None,
) -> Analysis:
    """``layer_cache``: layers of other images of this run (see analysis/layercache.py); with
    a disk cache, also layers and whole analyses of earlier runs (diskcache.py, resultcache.py).
    ``files``: records every path per layer for the views that show them (analysis/filetree.py).
    ``contents``: hashes every file and keeps the final paths for comparisons (contents.py)."""
    disk = layer_cache.disk if layer_cache is not None else None
    key = None
    if disk is not None and files is None and contents is None:
        from imagetailor.analysis import resultcache

        key = resultcache.result_key(image, top_files)
        found = resultcache.load(disk, key, image)
        if found is not None:
            return found  # the same image analysed before: nothing to read or merge
    with _cyclic_gc_paused():
        analysis = _analyze(image, progress, top_files, layer_cache, files, contents)
    if disk is not None and key is not None:
        resultcache.store(disk, key, analysis)
    return analysis


# Modules the merge does not need; _Imports loads them while the layer workers read.
_LATER = (
    "imagetailor.analysis.model",
    "imagetailor.analysis.secrets",
    "imagetailor.analysis.packages",
    "imagetailor.analysis.tools",
    "imagetailor.analysis.config",
    "imagetailor.analysis.osrelease",
    "imagetailor.analysis.hygiene",
)


class _Imports:
    """Import modules on a thread for the length of a ``with`` block (joined at its end).

    Imports hold the GIL while they run, so this gains nothing while the merge is busy; it
    fills the time the merge spends waiting for layer workers (a blocking read releases the
    GIL). An import error surfaces when the modules are imported again after the block."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._thread = threading.Thread(target=self._run, args=(names,), name="analysis-imports")

    @staticmethod
    def _run(names: tuple[str, ...]) -> None:
        with contextlib.suppress(Exception):
            for name in names:
                importlib.import_module(name)

    def __enter__(self) -> _Imports:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join()


@dataclass(slots=True)
class _LayerDone:
    """What the report needs of a merged layer (the models are built after the merge)."""

    index: int
    regular_bytes: int
    tar_bytes: int
    secret_files: list[tuple[str, bytes]]
    warnings: list[str]
    added: int
    modified: int
    removed: int


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The pass allocates a few objects per path (nodes, dicts, tuples) and frees them by
    reference counting; none form cycles. With the cyclic collector on, every 700 allocations
    start a collection that walks the young objects, and the full ones walk every node built so
    far: a quarter of the whole analysis' time on a 56,000-file image. The previous state is
    restored afterwards (``gc`` is process-wide)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyze(
    image: Image,
    progress: Progress | None,
    top_files: int,
    layer_cache: LayerCache | None,
    files: FileTreeRecorder | None,
    contents: ContentRecorder | None,
) -> Analysis:
    catalogue = secret_catalogue()
    count = len(image.layers)

    def report(index: int, done: int) -> None:
        if progress is not None:
            progress(index, count, done)

    tree = MergedTree()
    dive = DiveEmulator()
    done: list[_LayerDone] = []
    histories = [history for _, history in image.layer_history()]
    # The layer workers start here. What the merge does not need (the models, pydantic, the
    # scanners that make model objects) is imported on a thread meanwhile: it runs whenever
    # the merge waits for the workers, instead of before the merge or after it.
    scans_of = LayerScans(
        image, SecretCandidates(catalogue), report, layer_cache, digests=contents is not None
    )
    with scans_of as scans, _Imports(_LATER):
        if progress is not None and count:
            progress(0, count, 0)
        for feed in scans:
            index = feed.index
            where = describe_layer(index, image.layers[index])
            pending = tree.begin_layer(index)
            dive.begin_layer()
            if files is not None:
                files.begin_layer(index)
            add_member = tree.add_member
            for batch in feed.batches():
                dive.add_entries(batch)
                if files is not None:
                    files.add(batch)
                for path, kind, size, mode, uid, gid, linkname, magic, data in batch:
                    if path:  # not the root directory entry ("./")
                        add_member(
                            pending, path, kind, size, mode, uid, gid, linkname, magic, data, where
                        )
            scan = feed.scan  # complete now that its entries are
            if contents is not None:
                contents.add_layer(index, scan.digests)
            changes = tree.end_layer(pending)
            dive.end_layer()
            if files is not None:
                files.end_layer()
            done.append(
                _LayerDone(
                    index, scan.regular_bytes, scan.tar_bytes, scan.secret_files, scan.warnings,
                    changes.added, changes.modified, changes.removed,
                )
            )  # fmt: skip
            if progress is not None:
                progress(index, count, scan.tar_bytes)
                if index + 1 < count:
                    progress(index + 1, count, 0)

    from imagetailor.analysis import packages as package_db
    from imagetailor.analysis.catalog import tool_catalogue
    from imagetailor.analysis.closure import needed_figures
    from imagetailor.analysis.config import env_pairs, image_path, summarize_config
    from imagetailor.analysis.hygiene import image_hygiene
    from imagetailor.analysis.model import (
        Analysis,
        DiveFigures,
        HiddenBytes,
        HiddenFile,
        InefficientFile,
        LayerInfo,
    )
    from imagetailor.analysis.osrelease import os_release
    from imagetailor.analysis.secrets import SecretScanner
    from imagetailor.analysis.tools import find_tools

    scanner = SecretScanner(catalogue)
    layers: list[LayerInfo] = []
    secrets: list[SecretHit] = []
    warnings: list[str] = []
    for row in done:
        layer = image.layers[row.index]
        for path, head in row.secret_files:
            secrets += scanner.scan_file(path, head, row.index)
        warnings += row.warnings[: max(0, MAX_WARNINGS - len(warnings))]
        history = histories[row.index] or {}
        layers.append(
            LayerInfo(
                index=row.index,
                digest=layer.descriptor.digest,
                diff_id=layer.diff_id,
                media_type=layer.descriptor.media_type,
                compressed_size_bytes=layer.descriptor.size,
                size_bytes=row.regular_bytes,
                tar_size_bytes=row.tar_bytes,
                created_by=_redacted(scanner, history.get("created_by")),
                comment=history.get("comment"),
                files_added=row.added,
                files_modified=row.modified,
                files_removed=row.removed,
            )
        )
    warnings += tree.warnings[: max(0, MAX_WARNINGS - len(warnings))]
    if files is not None:
        files.finish(tree)
    if contents is not None:
        contents.finish(tree)
    secrets += scanner.scan_config(image.config, _history_lines(image))
    package_warnings: list[str] = []
    installed = [
        p
        if p.path is None or p.path.isascii()
        else p.model_copy(update={"path": printable(p.path)})
        for p in package_db.installed_packages(tree, package_warnings)
    ]
    warnings += [printable(w) for w in package_warnings[: max(0, MAX_WARNINGS - len(warnings))]]
    inventory, tool_hits = find_tools(tree, tool_catalogue(), image_path(image.config), installed)
    created_by = {info.index: info.created_by for info in layers}
    config = summarize_config(image.config, tree, scanner)
    needed = needed_figures(config, dict(env_pairs(image.config)), image_path(image.config), tree)
    hidden_sorted = sorted(tree.hidden, key=lambda h: (-h.size, h.path))
    figures = dive.result()
    return Analysis(
        reference=image.reference,
        manifest_digest=image.manifest_digest,
        config_digest=image.config_digest,
        size_bytes=sum(info.size_bytes for info in layers),
        compressed_size_bytes=sum(info.compressed_size_bytes for info in layers),
        final_size_bytes=tree.final_size(),
        file_count=len(tree.nodes) - 1,
        layers=layers,
        dive=DiveFigures(
            efficiency=figures.efficiency,
            wasted_bytes=figures.wasted_bytes,
            user_size_bytes=figures.user_size_bytes,
            wasted_user_percent=figures.wasted_user_ratio,
            inefficient_files=[
                InefficientFile(path=printable(path), count=n, size_bytes=size)
                for path, n, size in figures.inefficient[:MAX_INEFFICIENT_LISTED]
            ],
        ),
        hidden=HiddenBytes(
            total_bytes=sum(h.size for h in tree.hidden),
            file_count=len(tree.hidden),
            files=[
                HiddenFile(
                    path=printable("/" + h.path),
                    size_bytes=h.size,
                    layer=h.layer,
                    hidden_by_layer=h.hidden_by,
                    how=h.how,
                    created_by=created_by.get(h.layer),
                    hidden_by_created_by=created_by.get(h.hidden_by),
                )
                for h in hidden_sorted[:MAX_HIDDEN_LISTED]
            ],
        ),
        tools={c: [printable(p) for p in paths] for c, paths in inventory.items()},
        tool_hits=[
            hit.model_copy(
                update={"path": _printable_or_none(hit.path), "name": printable(hit.name)}
            )
            for hit in tool_hits
        ],
        packages=installed,
        os_release=os_release(tree),
        secrets=[s.model_copy(update={"path": _printable_or_none(s.path)}) for s in secrets],
        config=config,
        needed=needed,
        biggest_files=_biggest(tree, top_files),
        hygiene=image_hygiene(tree),
        warnings=warnings,
    )


def _redacted(scanner: SecretScanner, text: object) -> str | None:
    return scanner.redact_text(text) if isinstance(text, str) else None


def printable(text: str) -> str:
    """Names that are not UTF-8 are kept internally with surrogate escapes; JSON cannot carry
    those, so reports show the undecodable bytes as ``\\xNN``."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _printable_or_none(text: str | None) -> str | None:
    return None if text is None else printable(text)


def _history_lines(image: Image) -> list[tuple[int | None, str]]:
    """Every history entry's created_by, with the index of the layer it made (None if empty)."""
    lines: list[tuple[int | None, str]] = []
    layer = 0
    for entry in image.history():
        text = entry.get("created_by")
        empty = bool(entry.get("empty_layer"))
        if isinstance(text, str) and text:
            lines.append((None if empty else layer, text))
        if not empty:
            layer += 1
    return lines


def _biggest(tree: MergedTree, top: int) -> list[FileInfo]:
    from imagetailor.analysis.model import FileInfo

    if top <= 0:
        return []
    files = ((node.size, path) for path, node in tree.nodes.items() if node.kind == "file")
    biggest = heapq.nlargest(top, files)
    result = []
    for _, path in biggest:
        node = tree.nodes[path]
        result.append(
            FileInfo(
                path=printable("/" + path),
                kind=node.kind,
                size_bytes=node.size,
                mode=node.mode,
                uid=node.uid,
                gid=node.gid,
                layer=node.layer,
                link_target=_printable_or_none(node.link),
            )
        )
    return result
