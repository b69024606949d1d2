"""Where make meets prove: `tailor build` (build each purpose's image with the real engine, then
judge it as its purpose) and `tailor smoke` (run the deploy image and probe it)."""

from imagetailor.pipeline.images import (
    CheckOutcome,
    PurposeBuild,
    base_build_args,
    build_purposes,
)

__all__ = ["CheckOutcome", "PurposeBuild", "base_build_args", "build_purposes"]
