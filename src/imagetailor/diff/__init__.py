"""Comparing two images: files, packages, tools, config and sizes (`tailor diff`), and the
proof that one purpose's image is another's plus what its purpose allows (`check --compare`)."""

from imagetailor.diff.compare import ComparedImage, diff_images, read_for_diff
from imagetailor.diff.model import ImageDiff

__all__ = ["ComparedImage", "ImageDiff", "diff_images", "read_for_diff"]
