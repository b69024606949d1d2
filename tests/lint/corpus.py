"""The lint corpus: realistic Dockerfiles, each beside the exact findings we expect."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from imagetailor.lint.config import LintConfig

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    name: str
    dockerfile: Path
    targets: dict[str, str]  # --target NAME=PURPOSE given for this case
    enable: frozenset[str]  # rules off by default that this case turns on ([lint] enable)
    expected: list[tuple[int, str]]  # (line, rule), sorted

    @property
    def config(self) -> LintConfig:
        return LintConfig(enable=self.enable)


def cases() -> list[Case]:
    result = []
    for directory in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        data = json.loads((directory / "expected.json").read_text())
        expected = sorted((f["line"], f["rule"]) for f in data["findings"])
        enable = frozenset(data.get("enable", []))
        dockerfile = directory / "Dockerfile"
        result.append(Case(directory.name, dockerfile, data["targets"], enable, expected))
    return result
