"""The single streaming pass over an image's layers and what it finds (see ``analyze``)."""

from imagetailor.analysis.analyze import Progress, analyze
from imagetailor.analysis.model import Analysis

__all__ = ["Analysis", "Progress", "analyze"]
