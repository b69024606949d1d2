"""The lint corpus: realistic Dockerfiles, each beside the exact findings we expect."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    dockerfile: Path
    targets: dict[str, str]  # --target NAME=PURPOSE given for this case
    expected: list[tuple[int, str]]  # (line, rule), sorted


def cases() -> list[Case]:
    result = []
    for directory in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        data = json.loads((directory / "expected.json").read_text())
        expected = sorted((f["line"], f["rule"]) for f in data["findings"])
        result.append(Case(directory.name, directory / "Dockerfile", data["targets"], expected))
    return result
