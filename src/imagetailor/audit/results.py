"""What an audit keeps between runs and between images.

``VerdictStore``: each image's row on disk, keyed by its config digest (which names every layer
by diffID, so the same layers and config give the same verdict), the purpose, the effective
policy settings and our version. A second audit of an unchanged registry reads manifests and
configs only. Files are small JSON, written whole (rename), read bounded; one that does not
parse is ignored and rewritten, never trusted.

``SharedLayerCache``: the in-memory layer records (analysis/layercache.py) shared by the images
one audit reads at once, with a lock and a bound of its own (``--memory``). A persistent layer
cache keyed by diffID (any object with ``LayerCache``'s ``get``/``has``/``recording``) can be
handed to the audit in its place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from imagetailor import __version__
from imagetailor.analysis.layercache import LayerCache
from imagetailor.analysis.layerscan import LayerScan, ScannedEntry

MAX_VERDICT_BYTES = 256 * 1024
RECORD_BYTES = 200  # about what one kept layer record costs (analysis/layercache.py)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "imagetailor" / "audit"


def verdict_key(config_digest: str, purpose: str, settings: object) -> str:
    text = json.dumps([__version__, config_digest, purpose, repr(settings)])
    return hashlib.sha256(text.encode()).hexdigest()


class VerdictStore:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_VERDICT_BYTES + 1)
            row: Any = json.loads(data) if len(data) <= MAX_VERDICT_BYTES else None
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(row, dict) or row.get("key") != key:
            return None
        self.hits += 1
        return row

    def put(self, key: str, row: dict[str, Any]) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.folder, prefix=".verdict-")
            with os.fdopen(handle, "w") as out:
                json.dump({**row, "key": key}, out)
            os.replace(name, self.folder / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written makes the next audit slower, not wrong


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
