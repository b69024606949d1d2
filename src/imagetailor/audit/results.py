"""What an audit keeps between runs and between images.

``VerdictStore``: each image's row on disk, keyed by its config digest (which names every layer
by diffID, so the same layers and config give the same verdict), the purpose, the effective
policy settings and our version. A second audit of an unchanged registry reads manifests and
configs only. Files are small JSON, written whole (rename), read bounded; one that does not
parse is ignored and rewritten, never trusted.

``SharedLayerCache`` (audit/layers.py): the layer records shared by the images one audit reads.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from imagetailor import __version__

MAX_VERDICT_BYTES = 256 * 1024


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "imagetailor" / "audit"


def facts_key(config_digest: str) -> str:
    """Where what a config says (its purpose label, its layers' diffIDs) is kept: a config
    digest names those bytes, so what was read from them once holds for good."""
    return hashlib.sha256(json.dumps([__version__, "config", config_digest]).encode()).hexdigest()


def verdict_key(config_digest: str, purpose: str, settings: object) -> str:
    text = json.dumps([__version__, config_digest, purpose, repr(settings)])
    return hashlib.sha256(text.encode()).hexdigest()


class VerdictStore:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0

    def holds_any(self) -> bool:
        """Whether anything is kept: a cold audit need not look for what it cannot find."""
        if self.folder is None:
            return False
        try:
            with os.scandir(self.folder) as entries:
                return any(entry.name.endswith(".json") for entry in entries)
        except OSError:
            return False

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
