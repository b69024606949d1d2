"""The in-memory layer records (analysis/layercache.py) shared by the images one audit reads at
once, with a lock and a bound of its own (``--memory``). A persistent layer cache keyed by
diffID (any object with ``LayerCache``'s ``get``/``has``/``recording``) can be handed to the
audit in its place.

Its own module so that a warm audit, which judges nothing, never imports the analysis.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from imagetailor.analysis.layercache import LayerCache
from imagetailor.analysis.layerscan import LayerScan, ScannedEntry

RECORD_BYTES = 200  # about what one kept layer record costs (analysis/layercache.py)


class SharedLayerCache(LayerCache):
    """``LayerCache`` for several threads: stores and lookups under one lock, and at most
    ``max_entries`` records kept (a layer that would pass the bound is read, not kept)."""

    def __init__(self, max_entries: int) -> None:
        super().__init__()
        self.max_entries = max_entries
        self._lock = threading.Lock()

    def get(
        self, diff_id: str, digests: bool = False
    ) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
        with self._lock:
            return super().get(diff_id, digests)

    def has(self, diff_id: str, digests: bool = False) -> bool:
        with self._lock:
            return super().has(diff_id, digests)

    def recording(
        self,
        diff_id: str,
        batches: Iterator[list[ScannedEntry]],
        scan_of: Callable[[], LayerScan],
    ) -> Iterator[list[ScannedEntry]]:
        kept: list[list[ScannedEntry]] = []
        count = 0
        for batch in batches:
            count += len(batch)
            if count <= self.max_entries:
                kept.append(batch)
            yield batch
        with self._lock:
            if self._entries + count <= self.max_entries and diff_id not in self._scans:
                self._scans[diff_id] = (kept, scan_of())
                self._entries += count
