"""Run one analyzer the way the analysis does: the registry's path test, the worker's reduce,
then collect."""

from __future__ import annotations

from imagetailor.analysis.analyzers.interface import Analyzer, Context
from imagetailor.analysis.analyzers.registry import REGISTRY

Row = tuple[str, str, str, str]  # name, version, manager, purl


def run(
    analyzer: Analyzer, path: str, data: bytes | str, context: Context | None = None
) -> list[Row]:
    """What ``analyzer`` finds in the file at ``path`` holding ``data``."""
    raw = data.encode() if isinstance(data, str) else data
    wanted = REGISTRY.wanted_bytes(path)
    assert wanted, f"no analyzer wants {path}"
    kept = REGISTRY.reduce(path, raw[:wanted], len(raw))
    context = context or Context()
    return [(f.name, f.version, f.manager, f.purl) for f in analyzer.collect(path, kept, context)]
