"""Layer scans kept on disk between runs, keyed by diff ID (as trivy keeps its layer results).

A layer's scan (analysis/layerscan.py: its entries, totals, secret candidates, ELF summaries) is
a pure function of the layer's uncompressed bytes and of the code and catalogues that chose what
to keep. So the key is the layer's diff ID plus a fingerprint of exactly those: the scan's
modules (their source), the analyzer registry's names and versions, the secret catalogue as
loaded (bundled + user + TAILOR_SECRETS). A change to any of them is a new key; old entries are
left to the size bound.

Where: ``$XDG_CACHE_HOME/imagetailor/layers`` (default ``~/.cache``), or ``TAILOR_CACHE_DIR``.
Bound: ``TAILOR_CACHE_MAX`` bytes (suffixes K, M, G; default 2G, 0 turns the cache off); the
least recently used entries go first (a hit refreshes the file's mtime).

An entry: a magic line, marshalled frames (the batches, then the totals), and the sha256 of all
of it. Written to a temporary file and renamed into place, so two processes never see a half
entry; an entry that fails its checksum or does not parse is a miss, deleted and rewritten.
marshal, not pickle: loading cannot run code. Entries are the user's own files; the checksum
is against damage (a full disk, a crash), not against someone who can write the user's home.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import secrets
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # the layer reader loads only when a layer is read or replayed
    from imagetailor.analysis.layerscan import LayerScan, ScannedEntry

MAGIC = b"imagetailor-layer-scan 1\n"
RESULT_MAGIC = b"imagetailor-result 1\n"
DEFAULT_MAX = 2 << 30
_DIGEST = 32
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
# The modules whose code decides what a layer scan holds (the fingerprint hashes their source).
SCAN_MODULES = (
    "imagetailor.analysis.layerscan",
    "imagetailor.analysis.tarstream",
    "imagetailor.analysis.elf",
    "imagetailor.analysis.candidates",
    "imagetailor.analysis.tree",
    "imagetailor.analysis.prefetch",
    "imagetailor.secretmatch",
)


def cache_max(env: dict[str, str] | None = None) -> int:
    """``TAILOR_CACHE_MAX`` in bytes (default 2 GiB); an unreadable value keeps the default."""
    text = (env if env is not None else os.environ).get("TAILOR_CACHE_MAX", "").strip().upper()
    found = re.fullmatch(r"(\d+)\s*([KMGT]?)I?B?", text)
    return int(found.group(1)) * _UNITS[found.group(2)] if found else DEFAULT_MAX


def cache_dir(env: dict[str, str] | None = None) -> Path:
    env = env if env is not None else dict(os.environ)
    if env.get("TAILOR_CACHE_DIR"):
        return Path(env["TAILOR_CACHE_DIR"])
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "imagetailor" / "layers"


def fingerprint(catalogue: dict[str, Any], read_elf: bool = True) -> str:
    """What, besides the layer's bytes, a scan depends on. ``catalogue``: the secret catalogue's
    data as loaded (a repr of the compiled one would not do: a frozenset's order changes from
    one process to the next)."""
    import importlib
    import json

    hasher = hashlib.sha256(b"%d" % read_elf)
    names = list(SCAN_MODULES)
    try:  # the analyzer plug-ins, once they exist (analysis/analyzers/)
        registry: Any = importlib.import_module("imagetailor.analysis.analyzers.registry")
        names.append("imagetailor.analysis.analyzers.registry")
        for analyzer in registry.REGISTRY.analyzers:
            hasher.update(f"{analyzer.name}={analyzer.version};".encode())
        folder = Path(registry.__file__).parent
        for path in sorted(folder.glob("*.py")):
            hasher.update(path.name.encode() + path.read_bytes())
    except ImportError:
        pass
    for name in names:
        module = importlib.import_module(name)
        hasher.update(name.encode() + Path(str(module.__file__)).read_bytes())
    hasher.update(json.dumps(catalogue, sort_keys=True, default=str).encode())
    return hasher.hexdigest()


class DiskCache:
    def __init__(self, root: Path, max_bytes: int, salt: str) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.salt = salt
        self.max_entry = max_bytes // 4  # one layer may not take the whole cache
        self.warnings: list[str] = []

    def _path(self, diff_id: str) -> Path:
        key = hashlib.sha256(f"{self.salt}\0{diff_id}".encode()).hexdigest()
        return self.root / f"{key}.scan"

    def load(
        self, diff_id: str, digests: bool = False
    ) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
        """The stored scan, or None (absent, damaged — then deleted —, or without digests
        when ``digests`` is asked)."""
        path = self._path(diff_id)
        try:
            with open(path, "rb") as handle:
                blob = handle.read(self.max_entry + 1)
        except OSError:
            return None
        found = _decode(blob) if len(blob) <= self.max_entry else None
        if found is None:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        if digests and found[1].digests is None:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return found

    def get_blob(self, name: str) -> bytes | None:
        """A whole-value entry (``put_blob``), checksum verified; None when absent or damaged."""
        path = self.root / f"{name}.result"
        try:
            with open(path, "rb") as handle:
                blob = handle.read(self.max_entry + 1)
        except OSError:
            return None
        body, digest = blob[:-_DIGEST], blob[-_DIGEST:]
        if not body.startswith(RESULT_MAGIC) or hashlib.sha256(body).digest() != digest:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return body[len(RESULT_MAGIC) :]

    def put_blob(self, name: str, data: bytes) -> None:
        body = RESULT_MAGIC + data
        if len(body) + _DIGEST > self.max_entry:
            return
        path = self.root / f"{name}.result"
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(temp, "xb") as handle:
                handle.write(body + hashlib.sha256(body).digest())
            os.replace(temp, path)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
            return
        self.evict()

    def writer(self, diff_id: str) -> _Writer | None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            return _Writer(self, self._path(diff_id))
        except OSError as error:
            self.warnings.append(f"layer cache {self.root} is not writable: {error.strerror}")
            return None

    def evict(self) -> None:
        """Delete the least recently used entries until the cache is within 90% of its bound."""
        entries = []
        try:
            for item in os.scandir(self.root):
                if item.name.endswith((".scan", ".result")) and item.is_file(follow_symlinks=False):
                    stat = item.stat(follow_symlinks=False)
                    entries.append((stat.st_mtime, stat.st_size, item.path))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= self.max_bytes * 9 // 10:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size


class _Writer:
    """One entry being written: frames to a temporary file, renamed into place at the end."""

    def __init__(self, cache: DiskCache, path: Path) -> None:
        self._cache = cache
        self._path = path
        self._temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        self._file: IO[bytes] | None = open(self._temp, "xb")  # noqa: SIM115 (closed in finish)
        self._hash = hashlib.sha256()
        self._size = 0
        self._write(MAGIC)

    def _write(self, data: bytes) -> None:
        if self._file is None:
            return
        self._size += len(data)
        if self._size > self._cache.max_entry:
            self.abort()
            return
        self._hash.update(data)
        try:
            self._file.write(data)
        except OSError:
            self.abort()

    def _frame(self, value: Any) -> None:
        data = marshal.dumps(value)
        self._write(len(data).to_bytes(8, "little") + data)

    def add(self, batch: list[ScannedEntry]) -> None:
        self._frame(batch)

    def finish(self, scan: LayerScan) -> None:
        self._frame(
            ("scan", scan.tar_bytes, scan.regular_bytes, scan.secret_files, scan.warnings,
             scan.digests)
        )  # fmt: skip
        if self._file is None:
            return
        try:
            self._file.write(self._hash.digest())
            self._file.close()
            self._file = None
            os.replace(self._temp, self._path)
        except OSError:
            self.abort()
            return
        self._cache.evict()

    def abort(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        with contextlib.suppress(OSError):
            self._temp.unlink()


def _decode(blob: bytes) -> tuple[list[list[ScannedEntry]], LayerScan] | None:
    from imagetailor.analysis.layerscan import LayerScan

    body, digest = blob[:-_DIGEST], blob[-_DIGEST:]
    if not body.startswith(MAGIC) or hashlib.sha256(body).digest() != digest:
        return None
    batches: list[list[ScannedEntry]] = []
    position = len(MAGIC)
    try:
        while position < len(body):
            size = int.from_bytes(body[position : position + 8], "little")
            position += 8
            if size > len(body) - position:
                return None
            value = marshal.loads(body[position : position + size])
            position += size
            if isinstance(value, tuple) and value and value[0] == "scan":
                _, tar_bytes, regular_bytes, secret_files, warnings, digests = value
                scan = LayerScan(-1, [], tar_bytes, regular_bytes, secret_files, warnings)
                scan.digests = digests
                return (batches, scan) if position == len(body) else None
            if not isinstance(value, list):
                return None
            batches.append(value)
    except (ValueError, EOFError, TypeError):
        return None
    return None
