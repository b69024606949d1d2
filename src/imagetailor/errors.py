"""Errors a user can cause. The CLI turns each into one line on stderr and exit code 2."""

from __future__ import annotations


class TailorError(Exception):
    """Bad input or bad usage: reported as one line, exit code 2, never a traceback."""

    exit_code = 2


class UsageError(TailorError):
    """The command line or a configuration file asks for something that cannot be done."""


class BadImageError(TailorError):
    """Image data (archive, layout, manifest, blob, registry answer) is malformed or hostile."""


class DigestMismatchError(BadImageError):
    """A blob's content does not hash to the digest that names it."""


class SourceUnavailableError(TailorError):
    """The place the image should come from (engine, registry) cannot be reached or refused us."""
