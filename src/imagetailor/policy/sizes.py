"""Byte sizes as people write them: 52428800, "50MB", "1.5GiB", "200 kB"."""

from __future__ import annotations

import re
from decimal import Decimal

# Decimal units are powers of 1000 and binary units powers of 1024, as SI and IEC define them;
# "MB" meaning 2**20 would make a threshold silently 5% off.
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "k": 1000,
    "m": 1000**2,
    "g": 1000**3,
    "t": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")


def parse_size(value: object) -> int:
    """Bytes from an integer or a string with an optional unit; ValueError says what is wrong."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a size")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a size")
    match = _SIZE.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a size")
    number, unit = match.groups()
    factor = _UNITS.get(unit.lower())
    if factor is None:
        raise ValueError(f"{value!r} has an unknown unit {unit!r}")
    # Decimal, not float: "1.001MB" is exactly 1001000 bytes.
    return int(Decimal(number) * factor)


def format_size(size: int) -> str:
    """A short human size in decimal units, the ones `docker images` shows."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if abs(value) < 1000 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
