"""Layer scans kept by diff ID for the images one run analyses: `tailor build` checks four images
that share most layers (ci and dev share the whole toolchain, local is deploy plus one layer),
so each layer is read and parsed once, and the merge of the next image replays its records.

In memory for one run: a layer's diff ID was verified against its bytes when it was read, and
the records are what that read produced. Very large layers are not kept in memory. With a
``disk`` cache (analysis/diskcache.py) the records also outlive the run: a layer read once is
not read again by a later run, until its entry is evicted or the scan's code changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from imagetailor.analysis.diskcache import DiskCache
from imagetailor.analysis.layerscan import LayerScan, ScannedEntry

MAX_CACHED_ENTRIES = 1_500_000  # records kept over all layers (about 200 bytes each)


@dataclass
class LayerCache:
    _scans: dict[str, tuple[list[list[ScannedEntry]], LayerScan]] = field(default_factory=dict)
    _entries: int = 0
    hits: int = 0
    misses: int = 0
    disk: DiskCache | None = None
    disk_hits: int = 0

    def _from_disk(
        self, diff_id: str, digests: bool
    ) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
        found = self.disk.load(diff_id, digests) if self.disk is not None else None
        if found is not None:
            self.disk_hits += 1
            replaced = self._scans.get(diff_id)
            if replaced is not None:
                self._entries -= sum(len(b) for b in replaced[0])
            self._scans[diff_id] = found  # kept for this run's other images, whatever its size
            self._entries += sum(len(b) for b in found[0])
        return found

    def get(
        self, diff_id: str, digests: bool = False
    ) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
        """The layer's records; with ``digests``, only a scan that hashed its files will do."""
        found = self._scans.get(diff_id)
        if found is not None and digests and found[1].digests is None:
            found = None
        if found is None:
            found = self._from_disk(diff_id, digests)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def __contains__(self, diff_id: str) -> bool:
        return diff_id in self._scans

    def has(self, diff_id: str, digests: bool = False) -> bool:
        found = self._scans.get(diff_id)
        if found is not None and (not digests or found[1].digests is not None):
            return True
        return self._from_disk(diff_id, digests) is not None

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
        writer = self.disk.writer(diff_id) if self.disk is not None else None
        try:
            for batch in batches:
                count += len(batch)
                if self._entries + count <= MAX_CACHED_ENTRIES:
                    kept.append(batch)
                if writer is not None:
                    writer.add(batch)
                yield batch
        except BaseException:
            if writer is not None:
                writer.abort()  # a layer that failed (or was not read to its end) is not kept
            raise
        if writer is not None:
            writer.finish(scan_of())
        if self._entries + count <= MAX_CACHED_ENTRIES:
            replaced = self._scans.get(diff_id)  # one read without digests, then one with
            if replaced is not None:
                self._entries -= sum(len(b) for b in replaced[0])
            self._scans[diff_id] = (kept, scan_of())
            self._entries += count


def persistent_cache(enabled: bool = True) -> LayerCache:
    """A run's layer cache, backed by the disk cache unless ``enabled`` is False (--no-cache)
    or ``TAILOR_CACHE_MAX`` is 0."""
    from imagetailor.analysis import diskcache

    limit = diskcache.cache_max()
    if not enabled or limit <= 0:
        return LayerCache()
    from imagetailor.catalogues import load_catalogue

    salt = diskcache.fingerprint(load_catalogue("secrets.toml", "TAILOR_SECRETS"))
    return LayerCache(disk=diskcache.DiskCache(diskcache.cache_dir(), limit, salt))
