"""Reading one layer: its tar stream parsed into a compact record, content only for candidates.

This is the part of the analysis that needs nothing from the other layers, so it can run in a
separate process (see ``parallel``); the merge that needs the layers in order (merged tree, dive
emulation) runs in the parent from these records. No pydantic here: a worker that imports the
models would spend as much time on that as on its layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from hashlib import sha256

from imagetailor.analysis import elf
from imagetailor.analysis.analyzers.registry import REGISTRY
from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.prefetch import Prefetcher
from imagetailor.analysis.tarstream import TarReader
from imagetailor.analysis.tree import normalize
from imagetailor.image.model import Layer

ELF_MAGIC = b"\x7fELF"

MAX_WARNINGS = 50
# Entries per batch a worker sends while it reads a layer (about 200 KB pickled).
BATCH = 4096

# One member: path (normalised, '' for the root), kind, size, mode, uid, gid, link target,
# magic bytes, and the content the package readers asked for (None for almost every file).
ScannedEntry = tuple[str, str, int, int, int, int, str, bytes, bytes | None]


@dataclass(slots=True)
class LayerScan:
    """What reading one layer found; ``entries`` holds the ones not already flushed."""

    index: int
    entries: list[ScannedEntry] = field(default_factory=list)
    tar_bytes: int = 0
    regular_bytes: int = 0  # sum of the sizes of the regular files (the layer's size)
    secret_files: list[tuple[str, bytes]] = field(default_factory=list)  # (path, head)
    warnings: list[str] = field(default_factory=list)
    # path -> sha256 of the content of each regular file with bytes (and of each hard link to
    # one in this layer), only when the pass was asked to hash (`tailor diff`, --compare).
    digests: dict[str, bytes] | None = None


def describe_layer(index: int, layer: Layer) -> str:
    return f"layer {index} ({layer.descriptor.digest[:19]})"


def scan_layer(
    layer: Layer,
    index: int,
    secrets: SecretCandidates,
    progress: Callable[[int], None] | None = None,
    flush: Callable[[list[ScannedEntry]], None] | None = None,
    digests: bool = False,
) -> LayerScan:
    """The layer's record. With ``flush``, entries are handed to it in batches of ``BATCH`` as
    they are parsed (so the merge can start before the layer ends); the record keeps the rest.
    """
    scan = LayerScan(index)
    batches = scan_batches(
        layer, index, secrets, scan, progress, BATCH if flush else -1, digests=digests
    )
    for batch in batches:
        if flush is not None:
            flush(batch)
        else:
            scan.entries = batch
    return scan


def scan_batches(
    layer: Layer,
    index: int,
    secrets: SecretCandidates,
    scan: LayerScan,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
    *,
    digests: bool = False,
) -> Iterator[list[ScannedEntry]]:
    """The layer's entries in batches of ``batch`` (-1: one batch), as they are parsed; when
    the generator is exhausted, ``scan`` holds the layer's totals. Consumed batch by batch, a
    layer of a million entries never has its million records in memory at once.

    ``digests``: also hash every regular file's content as it streams past (``scan.digests``),
    for comparing images; off for inspect and check, which never need it."""
    where = describe_layer(index, layer)
    entries: list[ScannedEntry] = []
    append = entries.append
    secret_wants = secrets.wants
    read_elf = secrets.read_elf
    package_bytes = REGISTRY.wanted_bytes
    reduce = REGISTRY.reduce
    whole_file = REGISTRY.whole
    elf_sections = REGISTRY.elf_sections
    regular_bytes = 0
    hashes: dict[str, bytes] | None = {} if digests else None
    scan.digests = hashes
    with layer.open() as stream, Prefetcher(stream) as chunks:
        reader = TarReader(chunks, where, progress=progress)
        content = reader.content
        for name, kind, size, mode, uid, gid, linkname, magic, utf8 in reader.entries():
            # normalize()'s own fast test, inlined: this loop runs once per member
            if name and name[0] not in "/." and name[-1] != "/" and "/." not in name:
                path = name if "//" not in name else normalize(name, where)
            else:
                path = normalize(name, where)
            if not utf8 and len(scan.warnings) < MAX_WARNINGS:
                scan.warnings.append(f"{where}: member name is not UTF-8: {name!r}")
            data = None
            if kind == "file" and path:
                regular_bytes += size
                if size:
                    for_secrets = secret_wants(path)
                    for_packages = package_bytes(path)
                    # An archive over its bound is not read at all (its record says so).
                    too_big = for_packages and size > for_packages and whole_file(path)
                    if too_big:
                        for_packages = 0
                    # ELF programs and libraries: only a summary rides on (the start check).
                    for_elf = read_elf and magic == ELF_MAGIC and elf.wanted(path, mode)
                    # Scripts there: their #! line (what the closure follows, analysis/closure.py).
                    for_script = read_elf and magic[:2] == b"#!" and elf.wanted(path, mode)
                    if for_secrets or for_packages or for_elf or for_script:
                        want = max(for_secrets, for_packages, elf.MAX_ELF_BYTES if for_elf else 0,
                                   elf.MAX_SHEBANG if for_script else 0)  # fmt: skip
                        data = content(want)
                        if hashes is not None:
                            hasher = sha256(data)
                            reader.hash_rest(hasher.update)
                            hashes[path] = hasher.digest()
                        if for_secrets:
                            scan.secret_files.append((path, data[:for_secrets]))
                        if for_elf:
                            data = elf.summarize(data, elf_sections)
                        elif for_script and not for_packages:
                            data = elf.shebang_line(data)
                        elif not for_packages:
                            data = None
                        else:  # big inputs (jars) become a small record here
                            data = reduce(path, data[:for_packages], size)
                    elif hashes is not None:
                        hasher = sha256()
                        reader.hash_rest(hasher.update)
                        hashes[path] = hasher.digest()
                    if too_big:
                        data = reduce(path, b"", size)
                elif hashes is not None:
                    hashes.pop(path, None)  # an earlier duplicate's bytes are not this file's
            elif hashes is not None and path:
                # A hard link shares its target's bytes; tar stores the target first.
                found = hashes.get(normalize(linkname, where)) if kind == "hardlink" else None
                if found is not None:
                    hashes[path] = found
                else:
                    hashes.pop(path, None)
            append((path, kind, size, mode, uid, gid, linkname, magic, data))
            if len(entries) == batch:
                yield entries
                entries = []
                append = entries.append
        scan.tar_bytes = reader.bytes_read
    scan.regular_bytes = regular_bytes
    yield entries
