"""The single streaming pass over an image's layers and what it finds (see ``analyze``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imagetailor.analysis.analyze import Progress, analyze

if TYPE_CHECKING:
    from imagetailor.analysis.model import Analysis

__all__ = ["Analysis", "Progress", "analyze"]


def __getattr__(name: str) -> Any:
    # The models (pydantic) load on first use: analyze() starts its layer workers before it
    # imports them, so the import overlaps with reading the layers.
    if name == "Analysis":
        from imagetailor.analysis.model import Analysis

        return Analysis
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
