"""A small Dockerfile model (global ARGs, named stages, instructions with comments) and its text.

Rendering is deterministic: the same model always gives the same bytes, which is what makes
regeneration byte-identical and `tailor generate --check` meaningful.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

CONTINUATION = " \\\n    "


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    comment: tuple[str, ...] = ()


@dataclass
class Stage:
    name: str
    base: str
    comment: tuple[str, ...] = ()
    instructions: list[Instruction] = field(default_factory=list)

    def add(self, keyword: str, arguments: str, *comment: str) -> Stage:
        self.instructions.append(Instruction(keyword, arguments, tuple(comment)))
        return self

    def run(
        self, *commands: str, mounts: tuple[str, ...] = (), comment: tuple[str, ...] = ()
    ) -> Stage:
        """One RUN joining commands with && (each on its own line); mounts as --mount flags."""
        flags = "".join(f"--mount={m} " for m in mounts)
        body = (" &&" + CONTINUATION).join(commands)
        return self.add("RUN", flags + body, *comment)

    def exec_form(self, keyword: str, argv: list[str], *comment: str) -> Stage:
        return self.add(keyword, json.dumps(argv), *comment)


@dataclass(frozen=True)
class GlobalArg:
    name: str
    default: str
    comment: tuple[str, ...] = ()


@dataclass
class Dockerfile:
    header: tuple[str, ...]
    args: list[GlobalArg] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)

    def stage(self, name: str, base: str, *comment: str) -> Stage:
        if any(s.name == name for s in self.stages):
            raise ValueError(f"stage {name} defined twice")
        stage = Stage(name, base, tuple(comment))
        self.stages.append(stage)
        return stage

    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def render(self) -> str:
        out: list[str] = [f"# {line}".rstrip() for line in self.header]
        if self.args:
            out.append("")
            for arg in self.args:
                out.extend(f"# {line}".rstrip() for line in arg.comment)
                out.append(f"ARG {arg.name}={arg.default}")
        for stage in self.stages:
            out.append("")
            out.extend(f"# {line}".rstrip() for line in stage.comment)
            out.append(f"FROM {stage.base} AS {stage.name}")
            for instruction in stage.instructions:
                out.extend(f"# {line}".rstrip() for line in instruction.comment)
                out.append(f"{instruction.keyword} {instruction.arguments}")
        return "\n".join(out) + "\n"


def label_arguments(labels: dict[str, str]) -> str:
    """LABEL arguments: one key per continued line, values JSON-quoted (valid in a Dockerfile)."""
    return CONTINUATION.join(f"{key}={json.dumps(value)}" for key, value in labels.items())
