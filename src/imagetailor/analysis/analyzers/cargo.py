"""Rust programs built with cargo-auditable: the ``.dep-v0`` ELF section holds the crates the
program was built from, as zlib-compressed JSON (``{"packages": [{"name", "version", "source",
"kind", ...}]}``). As syft does, only runtime crates count (``kind`` absent means runtime;
build-only crates such as build-script dependencies are not in the program).

The section is read in the layer worker with the ELF summary (analysis/elf.py) of programs
and libraries it summarises; only the short list of crates rides on."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, purl

SECTION = ".dep-v0"
MAX_SECTION_BYTES = 4 << 20  # compressed, as stored
MAX_INFLATED_BYTES = 16 << 20  # a few thousand crates are well under a MiB of JSON
MAX_CRATES = 20_000


def read_section(raw: bytes) -> object:
    """The runtime crates as [[name, version, source]], or {"error": why}; never raises."""
    if len(raw) > MAX_SECTION_BYTES:
        return {"error": "the dependency list is larger than the bound"}
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(raw, MAX_INFLATED_BYTES)
        if inflater.unconsumed_tail:
            return {"error": "the dependency list inflates beyond the bound"}
        document = json.loads(text)
    except (zlib.error, ValueError) as e:
        return {"error": f"the dependency list is unreadable ({type(e).__name__})"}
    packages = document.get("packages") if isinstance(document, dict) else None
    if not isinstance(packages, list):
        return {"error": "the dependency list has no packages"}
    crates: list[list[str]] = []
    for entry in packages[:MAX_CRATES]:
        if not isinstance(entry, dict) or entry.get("kind", "runtime") != "runtime":
            continue
        name, version = entry.get("name"), entry.get("version")
        if isinstance(name, str) and isinstance(version, str) and name and version:
            source = entry.get("source")
            crates.append([name, version, source if isinstance(source, str) else ""])
    return crates


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    try:
        record = json.loads(data or b"null")
    except ValueError:
        return
    if isinstance(record, dict):
        context.warn(f"/{path}: {record.get('error')}; its crates are not listed")
        return
    for row in record if isinstance(record, list) else []:
        if isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row):
            name, version, _source = row
            yield Found(name, version, "cargo", purl("cargo", name, version), path)


ANALYZER = Analyzer(
    "rust-cargo-auditable", 1, None, collect, elf_section=SECTION, section_reader=read_section
)
