"""`tailor build`: build each purpose's image with the real engine, then judge it as its purpose."""

from imagetailor.build.purposes import (
    CheckOutcome,
    PurposeBuild,
    base_build_args,
    build_purposes,
)

__all__ = ["CheckOutcome", "PurposeBuild", "base_build_args", "build_purposes"]
