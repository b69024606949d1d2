"""Alpine's version order, after apk-tools' documented algorithm (apk-version(8), version.c).

A version is ``digits(.digits)*[letter](_suffix[N])*[~hash][-rN]``. Two versions are read token
by token; while both have a token of the same kind the values decide. When the kinds differ,
the side that goes on with a pre-release suffix (_alpha, _beta, _pre, _rc) is older, and
otherwise the side whose next token comes earlier in the order digit, letter, suffix, suffix
number, revision, end is newer. So ``1.2.3_rc1 < 1.2.3 < 1.2.3-r0 < 1.2.3_p1 < 1.2.3a < 1.2.4``
and ``1.2.3-r9 < 1.2.3-r10``. Written here, not copied; bounded by a length limit.
"""

from __future__ import annotations

import re

MAX_VERSION = 128
# Pre-release suffixes sort before the bare version, the others after it.
_SUFFIXES = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3,
             "hg": 4, "p": 5}  # fmt: skip
_GRAMMAR = re.compile(
    r"(\d+(?:\.\d+)*)([a-z])?((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)"
    r"(?:~[0-9a-f]+)?(?:-r(\d+))?"
)
_SUFFIX = re.compile(r"_([a-z]+)(\d*)")
DIGIT, LETTER, SUFFIX, SUFFIX_NO, REVISION, END = range(6)
Token = tuple[int, int | str]


def tokens(version: str) -> list[Token] | None:
    """The tokens of a valid apk version, None for anything else."""
    if len(version) > MAX_VERSION:
        return None
    match = _GRAMMAR.fullmatch(version)
    if match is None:
        return None
    digits, letter, suffixes, revision = match.groups()
    found: list[Token] = [(DIGIT, part) for part in digits.split(".")]
    if letter:
        found.append((LETTER, letter))
    for name, number in _SUFFIX.findall(suffixes):
        found.append((SUFFIX, _SUFFIXES[name]))
        if number:
            found.append((SUFFIX_NO, int(number)))
    if revision is not None:
        found.append((REVISION, int(revision)))
    return found


def _digits(a: str, b: str, first: bool) -> int:
    # After the first component a leading zero makes it a fraction (1.01 < 1.1): apk compares
    # those as strings, the rest as numbers.
    if not first and (a.startswith("0") or b.startswith("0")):
        a, b = a.rstrip("0"), b.rstrip("0")
        return (a > b) - (a < b)
    return (int(a) > int(b)) - (int(a) < int(b))


def compare(a: str, b: str) -> int | None:
    """-1, 0 or 1 as ``a`` is older, the same or newer than ``b``; None when either is not an
    apk version."""
    ta, tb = tokens(a), tokens(b)
    if ta is None or tb is None:
        return None
    for index in range(max(len(ta), len(tb))):
        kind_a, value_a = ta[index] if index < len(ta) else (END, 0)
        kind_b, value_b = tb[index] if index < len(tb) else (END, 0)
        if kind_a != kind_b:
            if kind_a == SUFFIX and int(value_a) < 0:
                return -1
            if kind_b == SUFFIX and int(value_b) < 0:
                return 1
            return 1 if kind_a < kind_b else -1
        if kind_a == DIGIT:
            order = _digits(str(value_a), str(value_b), index == 0)
        elif kind_a == LETTER:
            order = (str(value_a) > str(value_b)) - (str(value_a) < str(value_b))
        else:
            order = (int(value_a) > int(value_b)) - (int(value_a) < int(value_b))
        if order:
            return order
    return 0
