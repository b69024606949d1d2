"""Platforms (``os/arch[/variant]``): parsing the ``--platform`` value and picking from an index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imagetailor.errors import UsageError

# Python's machine names -> the GOARCH names images use.
_HOST_ARCH = {
    "x86_64": ("amd64", None),
    "amd64": ("amd64", None),
    "aarch64": ("arm64", None),
    "arm64": ("arm64", None),
    "armv7l": ("arm", "v7"),
    "armv6l": ("arm", "v6"),
    "i386": ("386", None),
    "i686": ("386", None),
    "ppc64le": ("ppc64le", None),
    "s390x": ("s390x", None),
    "riscv64": ("riscv64", None),
}


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)

    def matches(self, candidate: dict[str, Any]) -> bool:
        if candidate.get("os") != self.os or candidate.get("architecture") != self.architecture:
            return False
        if self.variant is None:
            return True
        variant = candidate.get("variant")
        # arm64 images usually omit their (only) variant v8.
        if variant is None and self.architecture == "arm64" and self.variant == "v8":
            return True
        return bool(variant == self.variant)


def parse_platform(text: str) -> Platform:
    parts = text.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise UsageError(f"platform must look like os/arch[/variant], got {text!r}")
    return Platform(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def host() -> Platform:
    """The platform images for this machine use (always linux: that is what the engine runs)."""
    import platform as host_platform  # here: 4 ms to import, and most reads never ask

    machine = host_platform.machine().lower()
    architecture, variant = _HOST_ARCH.get(machine, (machine, None))
    return Platform("linux", architecture, variant)


def describe(candidate: dict[str, Any] | None) -> str:
    if not candidate:
        return "unknown"
    parts = [candidate.get("os"), candidate.get("architecture"), candidate.get("variant")]
    return "/".join(str(p) for p in parts if p)
