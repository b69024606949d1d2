"""How bad an advisory says it is: critical, high, medium, low or unknown.

From the record's (or the affected entry's) ``severity``: a CVSS v3.x vector gives its base
score by the FIRST specification's formula (v3.1 §7.1, with its Roundup), rated as v3.1 §5
does; a CVSS v2 vector by the v2 guide's formula, rated low/medium/high; an "Ubuntu" priority
word as it is. Otherwise ``database_specific.severity`` (GitHub's "HIGH", "MODERATE"). CVSS v4
vectors are not computed here (its scores come from a lookup table of macro vectors).
"""

from __future__ import annotations

import math
from typing import Any

LEVELS = ("critical", "high", "medium", "low", "unknown")
RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "unknown": 0}
_WORDS = {"critical": "critical", "high": "high", "important": "high", "moderate": "medium",
          "medium": "medium", "low": "low", "negligible": "low", "unimportant": "low"}  # fmt: skip

_V3 = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_V3_PR = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}
_V2 = {
    "AV": {"L": 0.395, "A": 0.646, "N": 1.0},
    "AC": {"H": 0.35, "M": 0.61, "L": 0.71},
    "Au": {"M": 0.45, "S": 0.56, "N": 0.704},
    "C": {"N": 0.0, "P": 0.275, "C": 0.660},
}


def _metrics(vector: str) -> dict[str, str]:
    parts = [part.split(":", 1) for part in vector.strip().split("/") if ":" in part]
    return {key: value for key, value in parts}


def _roundup(value: float) -> float:
    """CVSS v3.1's Roundup: the smallest one-decimal number >= value, free of float noise."""
    whole = round(value * 100000)
    if whole % 10000 == 0:
        return whole / 100000.0
    return (math.floor(whole / 10000) + 1) / 10.0


def cvss3_score(vector: str) -> float | None:
    m = _metrics(vector)
    try:
        scope = m["S"]
        impacts = [_V3["C"][m[key]] for key in ("C", "I", "A")]
        exploitability = (
            8.22 * _V3["AV"][m["AV"]] * _V3["AC"][m["AC"]] * _V3_PR[scope][m["PR"]]
            * _V3["UI"][m["UI"]]
        )  # fmt: skip
    except KeyError:
        return None
    iss = 1 - (1 - impacts[0]) * (1 - impacts[1]) * (1 - impacts[2])
    changed = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    impact = 6.42 * iss if scope == "U" else changed
    if impact <= 0:
        return 0.0
    total = impact + exploitability if scope == "U" else 1.08 * (impact + exploitability)
    return _roundup(min(total, 10.0))


def cvss2_score(vector: str) -> float | None:
    m = _metrics(vector.removeprefix("(").removesuffix(")"))
    try:
        c, i, a = (_V2["C"][m[key]] for key in ("C", "I", "A"))
        exploitability = 20 * _V2["AV"][m["AV"]] * _V2["AC"][m["AC"]] * _V2["Au"][m["Au"]]
    except KeyError:
        return None
    impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
    factor = 0.0 if impact == 0 else 1.176
    return round((0.6 * impact + 0.4 * exploitability - 1.5) * factor + 1e-9, 1)


def rating(score: float, version: int) -> str:
    if version == 2:
        return "high" if score >= 7.0 else "medium" if score >= 4.0 else "low"
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low" if score > 0 else "unknown"  # v3's "None" rating: nothing to act on


def severity_of(record: dict[str, Any], affected: dict[str, Any]) -> tuple[str, float | None]:
    """(level, CVSS base score or None), the most specific source first."""
    entries = [*_list(affected.get("severity")), *_list(record.get("severity"))]
    for wanted in ("CVSS_V3", "CVSS_V2"):
        for entry in entries:
            if entry.get("type") == wanted and isinstance(entry.get("score"), str):
                vector = entry["score"]
                score = cvss3_score(vector) if wanted == "CVSS_V3" else cvss2_score(vector)
                if score is not None:
                    return rating(score, 3 if wanted == "CVSS_V3" else 2), score
    for entry in entries:
        word = entry.get("score")
        if entry.get("type") == "Ubuntu" and isinstance(word, str) and word.lower() in _WORDS:
            return _WORDS[word.lower()], None
    for where in (affected.get("database_specific"), record.get("database_specific")):
        word = where.get("severity") if isinstance(where, dict) else None
        if isinstance(word, str) and word.strip().lower() in _WORDS:
            return _WORDS[word.strip().lower()], None
    return "unknown", None


def _list(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
