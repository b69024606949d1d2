"""Image references, sources and verified blob reading; see ``open_image``."""

from imagetailor.image.model import Descriptor, Image, Layer
from imagetailor.image.open import open_image
from imagetailor.image.reference import ImageReference, parse_reference

__all__ = ["Descriptor", "Image", "ImageReference", "Layer", "open_image", "parse_reference"]
