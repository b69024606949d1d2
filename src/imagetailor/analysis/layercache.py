"""Layer scans kept by diff ID for the images one run analyses: `tailor build` checks four images
that share most layers (ci and dev share the whole toolchain, local is deploy plus one layer),
so each layer is read and parsed once, and the merge of the next image replays its records.

Only in memory, only for one run: a layer's diff ID was verified against its bytes when it was
read, and the records are what that read produced. Very large layers are not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from imagetailor.analysis.layerscan import LayerScan, ScannedEntry

MAX_CACHED_ENTRIES = 1_500_000  # records kept over all layers (about 200 bytes each)


@dataclass
class LayerCache:
    _scans: dict[str, tuple[list[list[ScannedEntry]], LayerScan]] = field(default_factory=dict)
    _entries: int = 0
    hits: int = 0
    misses: int = 0

    def get(
        self, diff_id: str, digests: bool = False
    ) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
        """The layer's records; with ``digests``, only a scan that hashed its files will do."""
        found = self._scans.get(diff_id)
        if found is not None and digests and found[1].digests is None:
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def __contains__(self, diff_id: str) -> bool:
        return diff_id in self._scans

    def has(self, diff_id: str, digests: bool = False) -> bool:
        found = self._scans.get(diff_id)
        return found is not None and (not digests or found[1].digests is not None)

    def recording(
        self,
        diff_id: str,
        batches: Iterator[list[ScannedEntry]],
        scan_of: Callable[[], LayerScan],
    ) -> Iterator[list[ScannedEntry]]:
        """Pass ``batches`` through, keeping them; stored once exhausted (with the layer's scan,
        which ``scan_of()`` returns then), unless the layer was too large to keep."""
        kept: list[list[ScannedEntry]] = []
        count = 0
        for batch in batches:
            count += len(batch)
            if self._entries + count <= MAX_CACHED_ENTRIES:
                kept.append(batch)
            yield batch
        if self._entries + count <= MAX_CACHED_ENTRIES:
            replaced = self._scans.get(diff_id)  # one read without digests, then one with
            if replaced is not None:
                self._entries -= sum(len(b) for b in replaced[0])
            self._scans[diff_id] = (kept, scan_of())
            self._entries += count
