"""The single streaming pass over an image's layers and what it finds (see ``analyze``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from imagetailor.analysis.model import Analysis
    from imagetailor.analysis.onepass import Progress, analyze

__all__ = ["Analysis", "Progress", "analyze"]


def __getattr__(name: str) -> Any:
    # Everything loads on first use. The models (pydantic): analyze() starts its layer workers
    # before it imports them, so the import overlaps with reading the layers. The pass itself:
    # importing a submodule (the caches, say) should not load the analyzers and catalogues,
    # which a warm `tailor inspect` never uses (docs/cache.md).
    if name in ("analyze", "Progress"):
        from imagetailor.analysis import onepass

        return getattr(onepass, name)
    if name == "Analysis":
        from imagetailor.analysis.model import Analysis

        return Analysis
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
