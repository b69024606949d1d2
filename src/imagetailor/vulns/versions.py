"""Each ecosystem's own version order, as a ``compare(a, b) -> -1 | 0 | 1 | None`` function
(None: one of them is not a version of that ecosystem, so no range can place it).

dpkg's order comes from python-debian, PEP 440's from packaging, apk's from apkversion; semver
(npm, Go, crates.io), RubyGems, NuGet, Maven and Composer are small readings of their specs.
Maven's ComparableVersion and Composer's normalisation are approximated (docs/vulnerabilities.md
says where).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from imagetailor.vulns import apkversion

Compare = Callable[[str, str], int | None]
MAX_VERSION = 256


def _sign(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


def dpkg(a: str, b: str) -> int | None:
    from debian.debian_support import Version

    if len(a) > MAX_VERSION or len(b) > MAX_VERSION:
        return None
    try:
        return _sign(Version(a), Version(b))
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _pep440(text: str) -> object | None:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text) if len(text) <= MAX_VERSION else None
    except InvalidVersion:
        return None


def pep440(a: str, b: str) -> int | None:
    va, vb = _pep440(a), _pep440(b)
    return None if va is None or vb is None else _sign(va, vb)


_SEMVER = re.compile(
    r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]*)?"
)


def _prerelease(a: str | None, b: str | None, fold: bool) -> int:
    """semver 2.0.0 §11: a release is newer than its pre-releases; identifiers dot by dot,
    numbers numerically and below words, a shorter list first when the rest is equal."""
    if a == b:
        return 0
    if a is None or b is None:
        return 1 if a is None else -1
    if fold:  # NuGet compares pre-release labels without case
        a, b = a.lower(), b.lower()
    parts_a, parts_b = a.split("."), b.split(".")
    for x, y in zip(parts_a, parts_b, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return _sign(int(x), int(y))
        if x.isdigit() or y.isdigit():
            return -1 if x.isdigit() else 1
        return _sign(x, y)
    return _sign(len(parts_a), len(parts_b))


def _numbers_pre(text: str, width: int) -> tuple[tuple[int, ...], str | None] | None:
    match = _SEMVER.fullmatch(text.strip()) if len(text) <= MAX_VERSION else None
    if match is None:
        return None
    major, minor, patch, more, pre = match.groups()
    numbers = [int(major), int(minor or 0), int(patch or 0)]
    numbers += [int(n) for n in more.split(".") if n]
    numbers += [0] * (width - len(numbers))
    return tuple(numbers), pre


def semver(a: str, b: str) -> int | None:
    """semver 2.0.0 (npm, crates.io; Go's with its v prefix). A missing minor or patch reads
    as 0, as the ranges in advisories sometimes write them."""
    pa, pb = _numbers_pre(a, 3), _numbers_pre(b, 3)
    if pa is None or pb is None:
        return None
    return _sign(pa[0], pb[0]) or _prerelease(pa[1], pb[1], fold=False)


def nuget(a: str, b: str) -> int | None:
    """NuGetVersion: up to four numbers (1.2.3.4), semver 2 labels compared without case."""
    pa, pb = _numbers_pre(a, 4), _numbers_pre(b, 4)
    if pa is None or pb is None:
        return None
    return _sign(pa[0], pb[0]) or _prerelease(pa[1], pb[1], fold=True)


def _gem_segments(text: str) -> list[int | str] | None:
    if len(text) > MAX_VERSION or not re.fullmatch(r"[0-9]+(?:[.-]?[0-9A-Za-z]+)*", text.strip()):
        return None
    # Gem::Version: "-" means a pre-release ("1.0-1" is "1.0.pre.1"); letters start one.
    parts: list[int | str] = [
        int(p) if p.isdigit() else p
        for p in re.findall(r"[0-9]+|[a-z]+", text.strip().replace("-", ".pre.").lower())
    ]
    # canonical_segments: trailing zeros go, in the release part and in the pre-release part.
    cut = next((i for i, p in enumerate(parts) if isinstance(p, str)), len(parts))
    release, pre = parts[:cut], parts[cut:]
    while release and release[-1] == 0:
        release.pop()
    while pre and pre[-1] == 0:
        pre.pop()
    return release + pre


def rubygems(a: str, b: str) -> int | None:
    sa, sb = _gem_segments(a), _gem_segments(b)
    if sa is None or sb is None:
        return None
    for index in range(max(len(sa), len(sb))):
        x = sa[index] if index < len(sa) else 0
        y = sb[index] if index < len(sb) else 0
        if x == y:
            continue
        if isinstance(x, str) != isinstance(y, str):  # a word is a pre-release: older
            return -1 if isinstance(x, str) else 1
        return _sign(x, y)
    return 0


# Maven's ComparableVersion qualifiers, oldest first; "" is the release itself.
_MAVEN_QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"]
_MAVEN_ALIASES = {"a": "alpha", "b": "beta", "m": "milestone", "cr": "rc", "ga": "",
                  "final": "", "release": ""}  # fmt: skip


def _maven_items(text: str) -> list[int | str] | None:
    if len(text) > MAX_VERSION or not text.strip():
        return None
    items: list[int | str] = []
    for token in re.findall(r"[0-9]+|[a-z]+", text.strip().lower()):
        items.append(int(token) if token.isdigit() else _MAVEN_ALIASES.get(token, token))
    while items and items[-1] in (0, ""):  # 1.0.0 == 1 == 1-ga
        items.pop()
    return items


def _maven_item(x: int | str | None, y: int | str | None) -> int:
    def rank(item: int | str | None) -> tuple[int, int | str]:
        if item is None:
            item = 0 if isinstance(x if item is y else y, int) else ""
        if isinstance(item, int):
            return (len(_MAVEN_QUALIFIERS) + 1, item)  # a number beats any qualifier
        if item in _MAVEN_QUALIFIERS:
            return (_MAVEN_QUALIFIERS.index(item), "")
        return (len(_MAVEN_QUALIFIERS), item)  # unknown qualifiers: after sp, by name

    return _sign(rank(x), rank(y))


def maven(a: str, b: str) -> int | None:
    """ComparableVersion, flattened: the items (numbers, qualifiers) in a row, without its
    nesting of "-" lists; 1.0-alpha < 1.0 < 1.0-sp < 1.0.1, 1.0.0 == 1."""
    ia, ib = _maven_items(a), _maven_items(b)
    if ia is None or ib is None:
        return None
    for index in range(max(len(ia), len(ib))):
        x = ia[index] if index < len(ia) else None
        y = ib[index] if index < len(ib) else None
        order = _maven_item(x, y)
        if order:
            return order
    return 0


# Composer's stabilities, oldest first (VersionParser::normalize and its suffix order).
_COMPOSER_STABILITY = {"dev": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "rc": 3, "": 4,
                       "stable": 4, "patch": 5, "pl": 5, "p": 5}  # fmt: skip
_COMPOSER = re.compile(r"v?(\d+(?:\.\d+){0,3})(?:[._-]?([a-z]+)\.?(\d*))?", re.IGNORECASE)


def composer(a: str, b: str) -> int | None:
    """Packagist: up to four numbers, then a stability (dev < alpha < beta < RC < stable <
    patch) and its number. Branch names (dev-main) cannot be placed: None."""

    def key(text: str) -> tuple[tuple[int, ...], int, int] | None:
        match = _COMPOSER.fullmatch(text.strip()) if len(text) <= MAX_VERSION else None
        if match is None:
            return None
        numbers, word, number = match.groups()
        stability = _COMPOSER_STABILITY.get((word or "").lower())
        if stability is None:
            return None
        parts = tuple(int(n) for n in numbers.split("."))
        return parts + (0,) * (4 - len(parts)), stability, int(number or 0)

    ka, kb = key(a), key(b)
    return None if ka is None or kb is None else _sign(ka, kb)


ORDERS: dict[str, Compare] = {
    "dpkg": dpkg,
    "apk": apkversion.compare,
    "pep440": pep440,
    "semver": semver,
    "nuget": nuget,
    "rubygems": rubygems,
    "maven": maven,
    "composer": composer,
}
