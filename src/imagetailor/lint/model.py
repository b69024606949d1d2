"""The stage model: stages, how they depend on each other, and which purpose each target serves.

Two kinds of dependency matter and must not be confused:
- a stage a target *inherits* (its FROM chain) puts every file it made into the target's image;
- a stage reached only through ``COPY --from`` or ``RUN --mount=from=`` contributes just what is
  copied or mounted, so a build stage full of compilers is fine behind a small deploy stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from imagetailor.lint.catalogue import lint_catalogue
from imagetailor.lint.parse import Instruction, ParsedDockerfile

PURPOSES = ("deploy", "ci", "local", "dev")

_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class StageLink:
    """One stage using another (or an external image) through COPY --from or RUN --mount=from."""

    instruction: Instruction
    source: str  # as written
    stage_index: int | None  # the stage it names, or None for an external image


@dataclass
class Stage:
    index: int
    name: str | None
    base: str  # the FROM image after substituting global ARG defaults
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)  # after FROM, in order
    base_stage: int | None = None  # set when FROM names an earlier stage
    links: list[StageLink] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)

    @property
    def start_line(self) -> int:
        return self.from_instruction.start_line

    @property
    def end_line(self) -> int:
        last = self.instructions[-1] if self.instructions else self.from_instruction
        return last.end_line

    def of(self, *keywords: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword in keywords]


@dataclass(frozen=True)
class Target:
    """A stage that ``docker build --target`` can build: every named stage, and the last one."""

    stage: Stage
    purpose: str | None
    purpose_source: str  # "cli", "config", "name", "default" or "none"

    @property
    def name(self) -> str:
        return self.stage.label

    def describe(self) -> str:
        """How messages name it: `target web (deploy)`, or the unnamed default build."""
        purpose = f" ({self.purpose})" if self.purpose else ""
        if self.stage.name is None:
            return f"the default build (unnamed stage {self.stage.index}){purpose}"
        return f"target {self.stage.name}{purpose}"


@dataclass
class DockerfileModel:
    parsed: ParsedDockerfile
    global_args: dict[str, str]
    stages: list[Stage]
    targets: list[Target] = field(default_factory=list)
    _by_name: dict[str, Stage] = field(default_factory=dict, repr=False)
    _purposes: dict[int, frozenset[str]] | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return self.parsed.path

    def stage_named(self, reference: str) -> Stage | None:
        """The stage a FROM/--from reference names: a stage name (any case) or an index."""
        if len(self._by_name) != sum(1 for s in self.stages if s.name is not None):
            self._by_name = {s.name.lower(): s for s in reversed(self.stages) if s.name}
        stage = self._by_name.get(reference.lower())
        if stage is not None:
            return stage
        if reference.isdigit() and int(reference) < len(self.stages):
            return self.stages[int(reference)]
        return None

    def inherited(self, stage: Stage) -> list[Stage]:
        """The stage and the stages it is built FROM, nearest first: all their files ship."""
        chain = [stage]
        while chain[-1].base_stage is not None:
            chain.append(self.stages[chain[-1].base_stage])
        return chain

    def reachable(self, stage: Stage) -> list[Stage]:
        """Every stage BuildKit builds for this target (FROM, COPY --from, RUN --mount=from)."""
        seen: set[int] = set()
        pending = [stage.index]
        while pending:
            index = pending.pop()
            if index in seen:
                continue
            seen.add(index)
            current = self.stages[index]
            if current.base_stage is not None:
                pending.append(current.base_stage)
            pending.extend(
                link.stage_index for link in current.links if link.stage_index is not None
            )
        return [self.stages[i] for i in sorted(seen)]

    def final_stages(self) -> list[Stage]:
        """Stages whose files become an image someone runs: the target stages."""
        return [target.stage for target in self.targets]

    def purposes_inheriting(self, stage: Stage) -> frozenset[str]:
        """The purposes of every target whose image contains this stage's files (FROM chain).

        Computed once for all stages, walking each target's chain only until it meets a stage
        that already knows the purpose: linear even for thousands of chained stages."""
        if self._purposes is None:
            found: dict[int, set[str]] = {s.index: set() for s in self.stages}
            for target in self.targets:
                if target.purpose is None:
                    continue
                current: Stage | None = target.stage
                while current is not None and target.purpose not in found[current.index]:
                    found[current.index].add(target.purpose)
                    parent = current.base_stage
                    current = self.stages[parent] if parent is not None else None
            self._purposes = {index: frozenset(p) for index, p in found.items()}
        return self._purposes[stage.index]

    def shipped_stages(self) -> list[Stage]:
        """Stages whose files end up in an image some purpose runs."""
        return [s for s in self.stages if self.purposes_inheriting(s)]


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Expand $VAR and ${VAR} (with :-/:+ forms reduced to the plain value) from ARG defaults."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return values.get(name, match.group(0))

    return _VARIABLE.sub(replace, text)


def build_model(
    parsed: ParsedDockerfile,
    purposes: Mapping[str, tuple[str, str]] | None = None,
    stage_purposes: Mapping[str, str] | None = None,
) -> DockerfileModel:
    """Stages, links and targets. ``purposes`` maps a lower-case target name to
    (purpose, source) given by the command line or the configuration; ``stage_purposes`` maps
    stage names that announce a purpose (default: lint.toml's [stage_names.purposes])."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in parsed.instructions:
        if instruction.keyword == "FROM":
            image = instruction.args[0]
            name = instruction.args[2] if len(instruction.args) == 3 else None
            stages.append(Stage(len(stages), name, substitute(image, global_args), instruction))
        elif not stages:
            if instruction.keyword == "ARG":
                global_args.update(_arg_defaults(instruction))
        else:
            stages[-1].instructions.append(instruction)
    model = DockerfileModel(parsed, global_args, stages)
    for stage in stages:
        earlier = model.stage_named(stage.base)
        if earlier is not None and earlier.index < stage.index and not stage.base.isdigit():
            stage.base_stage = earlier.index
        stage.links = list(_links(model, stage))
    if stage_purposes is None:
        stage_purposes = lint_catalogue().stage_purposes
    model.targets = _targets(model, purposes or {}, stage_purposes)
    return model


def _arg_defaults(instruction: Instruction) -> dict[str, str]:
    defaults = {}
    for arg in instruction.args:
        if "=" in arg:
            key, _, value = arg.partition("=")
            defaults[key] = value.strip("\"'")
    return defaults


def _links(model: DockerfileModel, stage: Stage) -> list[StageLink]:
    links = []
    for instruction in stage.instructions:
        sources = []
        if instruction.keyword in {"COPY", "ADD"}:
            sources += instruction.flag_values("from")
        if instruction.keyword == "RUN":
            for mount in instruction.flag_values("mount"):
                options = mount_options(mount)
                if "from" in options:
                    sources.append(options["from"])
        for source in sources:
            resolved = substitute(source, model.global_args)
            target = model.stage_named(resolved)
            index = target.index if target is not None and target.index < stage.index else None
            links.append(StageLink(instruction, source, index))
    return links


def mount_options(mount: str) -> dict[str, str]:
    """``type=cache,target=/x,sharing=locked`` -> a dict; bare words map to "true"."""
    options = {}
    for part in mount.split(","):
        key, sep, value = part.partition("=")
        options[key.strip().lower()] = value.strip() if sep else "true"
    if "dst" in options and "target" not in options:
        options["target"] = options["dst"]
    if "destination" in options and "target" not in options:
        options["target"] = options["destination"]
    return options


def _targets(
    model: DockerfileModel,
    purposes: Mapping[str, tuple[str, str]],
    stage_purposes: Mapping[str, str],
) -> list[Target]:
    candidates = [s for s in model.stages if s.name is not None]
    last = model.stages[-1]
    if last not in candidates:
        candidates.append(last)
    targets = []
    for stage in candidates:
        given = purposes.get(stage.label.lower())
        if given is not None:
            targets.append(Target(stage, given[0], given[1]))
        elif stage.name is not None and stage.name.lower() in stage_purposes:
            targets.append(Target(stage, stage_purposes[stage.name.lower()], "name"))
        else:
            targets.append(Target(stage, None, "none"))
    # `docker build .` builds the last stage; when nothing claims to be the deploy image, that
    # default build is what gets shipped, so judge it as one.
    if not any(t.purpose == "deploy" for t in targets):
        targets = [
            Target(t.stage, "deploy", "default") if t.stage is last and t.purpose is None else t
            for t in targets
        ]
    return targets
