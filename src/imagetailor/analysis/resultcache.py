"""Whole analyses kept on disk: an image analysed before is not merged again.

The layer cache (diskcache.py) spares reading the layers; the merge of their records into the
tree, dive's figures and the report still cost about a second on a 56,000-file image. An
analysis is a pure function of the image's config (whose digest the source checked against the
manifest or the archive's own name for it), its layers' descriptors, and of the analysis code
and catalogues. So the finished Analysis is stored under a key of exactly those, and a re-inspect
of an unchanged image only opens the image, checks the config and loads the stored result.

What changes the key: the config or manifest digest, any layer's digest, size or media type,
the number of biggest files listed, the analysis and language plug-in code, every bundled data
file, the user's catalogues (~/.config/imagetailor/*.toml) and the TAILOR_* settings with the
files they name. The reference the image was opened by is not in the key: it is set on the
loaded result.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from imagetailor.analysis.diskcache import DiskCache
from imagetailor.image.model import Image

if TYPE_CHECKING:
    from imagetailor.analysis.model import Analysis

_SKIPPED_SETTINGS = ("TAILOR_CACHE_DIR", "TAILOR_CACHE_MAX", "TAILOR_WORKERS")
MAX_SETTING_FILE = 4 << 20
TOP_FILES = 20  # analyze()'s default: what `tailor inspect` stores and finds
_code_hash: str | None = None


def _code() -> str:
    """The analysis and language plug-ins' code and the bundled data, hashed once a process."""
    global _code_hash
    if _code_hash is None:
        import imagetailor

        package = Path(imagetailor.__file__).parent
        hasher = hashlib.sha256(imagetailor.__version__.encode())
        for folder in ("analysis", "languages", "data", "image"):
            for path in sorted((package / folder).rglob("*")):
                if path.suffix in (".py", ".toml") and path.is_file():
                    hasher.update(str(path.relative_to(package)).encode() + path.read_bytes())
        for name in ("catalogues.py", "secretmatch.py"):
            hasher.update((package / name).read_bytes())
        _code_hash = hasher.hexdigest()
    return _code_hash


def _settings() -> bytes:
    """The user's catalogues and the TAILOR_* settings (with the files they name)."""
    from imagetailor.catalogues import USER_CONFIG_DIR

    parts: list[bytes] = []
    folder = USER_CONFIG_DIR.expanduser()
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        parts.append(path.name.encode() + _read(path))
    for name, value in sorted(os.environ.items()):
        if name.startswith("TAILOR_") and name not in _SKIPPED_SETTINGS:
            parts.append(f"{name}={value}".encode() + _read(Path(value)))
    return b"\0".join(parts)


def _read(path: Path) -> bytes:
    try:
        if path.is_file() and path.stat().st_size <= MAX_SETTING_FILE:
            return path.read_bytes()
    except (OSError, ValueError):
        pass
    return b""


def result_key(image: Image, top_files: int) -> str:
    layers = [
        [layer.descriptor.digest, layer.descriptor.size, layer.descriptor.media_type, layer.diff_id]
        for layer in image.layers
    ]
    identity = [image.config_digest, image.manifest_digest, layers, top_files]
    hasher = hashlib.sha256(json.dumps(identity).encode())
    hasher.update(_code().encode() + _settings())
    return hasher.hexdigest()


def load(disk: DiskCache, key: str, image: Image) -> Analysis | None:
    data = disk.get_blob(key)
    if data is None:
        return None
    from pydantic import ValidationError

    from imagetailor.analysis.model import Analysis

    try:
        analysis = Analysis.model_validate_json(data)
    except ValidationError:
        return None
    if analysis.config_digest != image.config_digest:
        return None  # not this image's (a key collision cannot happen; a bad entry can)
    return analysis.model_copy(update={"reference": image.reference})


def document(analysis: Analysis) -> str:
    """The `tailor inspect --format json` document (report/inspect.py renders it the same way;
    tests/analysis/test_diskcache.py holds the two equal)."""
    return json.dumps(analysis.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def store(disk: DiskCache, key: str, analysis: Analysis) -> None:
    """Stored as the rendered document: a warm `inspect --format json` only splices in the
    reference (json.dumps with an indent runs in Python: a tenth of a second on 56,000 files)."""
    disk.put_blob(key, document(analysis).encode())


def stored_json(image: Image) -> str | None:
    """``tailor inspect --format json`` of an image analysed before, straight from the stored
    document with this opening's reference spliced in: no models are built (pydantic's schemas
    would be most of what a warm run costs). None when nothing usable is stored."""
    from imagetailor.analysis.diskcache import cache_dir, cache_max

    limit = cache_max()
    if limit <= 0:
        return None
    data = DiskCache(cache_dir(), limit, "").get_blob(result_key(image, TOP_FILES))
    if data is None:
        return None
    text = data.decode("ascii", "replace")
    # The model's first fields, in its order: the reference line is the third.
    head, sep, rest = text.partition('\n  "reference": ')
    line_end = rest.find("\n")
    config = f'\n  "config_digest": {json.dumps(image.config_digest)},\n'
    if head != '{\n  "schema_version": 1,' or not sep or line_end < 0 or config not in rest:
        return None
    reference = json.dumps(image.reference, ensure_ascii=True)
    return f"{head}{sep}{reference},{rest[line_end:]}"
