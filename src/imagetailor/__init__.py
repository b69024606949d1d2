"""imagetailor: one application, differently tailored images, each proven fit for its purpose."""

__version__ = "0.1.0"
