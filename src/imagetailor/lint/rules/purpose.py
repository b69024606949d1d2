"""Purpose rules (TL2xx): what works against the image each target is for.

A deploy target ships every file of the stages it inherits through FROM; stages it only copies
from contribute what is copied. These rules walk that distinction; no other linter does.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from imagetailor.lint.catalogue import image_repository, matches_any
from imagetailor.lint.model import Stage, mount_options
from imagetailor.lint.parse import Instruction
from imagetailor.lint.rules.base import Hit, LintContext, lint_rule, run_commands, stage_runs
from imagetailor.lint.shell import Install, SimpleCommand, installs, run_script
from imagetailor.rules import Severity

_REMOVERS = {
    "apk": ("del",),
    "apt-get": ("purge", "remove", "autoremove"),
    "apt": ("purge", "remove"),
    "dnf": ("remove",),
    "yum": ("remove",),
    "pip": ("uninstall",),
    "pip3": ("uninstall",),
}


def kept_installs(commands: list[SimpleCommand]) -> list[Install]:
    """Packages a RUN installs and does not remove again in the same RUN (apk --virtual too)."""
    removed: set[str] = set()
    virtual: dict[str, list[str]] = {}
    for command in commands:
        verbs = _REMOVERS.get(command.name, ())
        if verbs and command.has(*verbs):
            removed.update(w for w in command.words[1:] if not w.startswith("-"))
        if command.name == "apk" and command.has("add"):
            for flag in ("--virtual", "-t"):
                if flag in command.words:
                    position = command.words.index(flag)
                    if position + 1 < len(command.words):
                        name = command.words[position + 1]
                        virtual[name] = [i.package for i in installs(command)]
    for name, members in virtual.items():
        if name in removed:
            removed.update(members)
    result: list[Install] = []
    for command in commands:
        result.extend(i for i in installs(command) if i.package not in removed)
    return result


def _image_matches(image: str, globs: tuple[str, ...]) -> bool:
    repository = image_repository(image)
    return matches_any(repository, globs) or any(
        ":" in glob and fnmatch.fnmatchcase(image.lower(), glob.lower()) for glob in globs
    )


@lint_rule(
    "TL201",
    Severity.WARNING,
    "Static binary shipped on a full distribution",
    "The deploy image only runs a binary copied from a build stage that links it statically, yet "
    "it is based on a whole distribution: shell, package manager and libraries nobody runs, all "
    "shipped, scanned and patched.",
    "Base the deploy stage on scratch or gcr.io/distroless/static-debian12:nonroot and copy the "
    "binary (plus CA certificates if it makes TLS calls).",
)
def static_binary_on_distribution(ctx: LintContext) -> Iterator[Hit]:
    catalogue = ctx.catalogue
    for target in ctx.purpose_targets("deploy"):
        chain = ctx.model.inherited(target.stage)
        base = chain[-1].base
        if (
            not _image_matches(base, catalogue.distributions)
            and catalogue.runtime_of_image(base) is None
        ):
            continue
        if any(kept_installs(run_commands(run)) for stage in chain for run in stage.of("RUN")):
            continue  # it installs packages: it uses the distribution
        executable = _executable(chain)
        if executable is None:
            continue
        for stage in chain:
            for link in stage.links:
                if link.stage_index is None or link.instruction.keyword != "COPY":
                    continue
                destination = link.instruction.args[-1]
                # Where the binary lands is cheap to check; whether it was built static is not.
                if _lands_at(
                    executable, destination, link.instruction.args[:-1]
                ) and _is_static_build(ctx, ctx.model.stages[link.stage_index]):
                    yield Hit(
                        target.stage.start_line,
                        f"{target.describe()} runs the static "
                        f"binary {executable} on {base}: use {catalogue.minimal_bases}",
                        target.stage.label,
                        target.name,
                    )
                    break
            else:
                continue
            break


def _executable(chain: list[Stage]) -> str | None:
    for keyword in ("ENTRYPOINT", "CMD"):
        for stage in chain:
            found = stage.of(keyword)
            if found:
                # A bare CMD or ENTRYPOINT (no arguments) is valid and names no executable.
                args = found[-1].args
                words = list(args) if found[-1].json_form else " ".join(args).split()
                return words[0] if words else None
    return None


def _lands_at(executable: str, destination: str, sources: tuple[str, ...]) -> bool:
    destination = destination.rstrip("/") or "/"
    if executable == destination:
        return True
    if posixpath.dirname(executable) == destination:
        return any(posixpath.basename(s) == posixpath.basename(executable) for s in sources)
    return False


def _is_static_build(ctx: LintContext, stage: Stage) -> bool:
    texts: list[str] = []
    for current in ctx.model.inherited(stage):
        texts.extend(i.original for i in current.instructions)
        texts.extend(run_script(i) for i in current.of("RUN"))
    joined = "\n".join(texts)
    return any(marker in joined for marker in ctx.catalogue.static_build_markers)


@lint_rule(
    "TL202",
    Severity.WARNING,
    "Deploy image ships build, debug or test tools",
    "A stage the deploy target inherits (through FROM) installs compilers, debuggers, test tools, "
    "curl/wget or monitoring agents, so they ship in production: more to patch and more for an "
    "attacker. Stages the deploy target only COPY --from are fine.",
    "Install these in a build, ci or dev stage and COPY --from only the artefacts into the "
    "deploy stage; run monitoring agents as sidecars.",
)
def deploy_ships_tools(ctx: LintContext) -> Iterator[Hit]:
    catalogue = ctx.catalogue
    for target in ctx.purpose_targets("deploy"):
        chain = ctx.model.inherited(target.stage)
        base = chain[-1].base
        if _image_matches(base, catalogue.sdk_images):
            yield Hit(
                chain[-1].start_line,
                f"{target.describe()} is based on the SDK image {base}",
                chain[-1].label,
                target.name,
            )
        inherited_from: list[str] = []  # inherited stages that install such tools
        for stage in reversed(chain):
            for instruction, commands in stage_runs(stage, onbuild=False):
                found: dict[str, list[str]] = {}
                for install in kept_installs(commands):
                    category = catalogue.tool_category(install.package, install.manager)
                    if category in catalogue.deploy_tool_categories:
                        found.setdefault(category, []).append(install.package)
                if found:
                    what = "; ".join(f"{c}: {', '.join(p)}" for c, p in sorted(found.items()))
                    where = "" if stage is target.stage else f" (inherited stage {stage.label})"
                    if stage is not target.stage and stage.label not in inherited_from:
                        inherited_from.append(stage.label)
                    yield Hit(
                        instruction.start_line,
                        f"{target.describe()} ships {what}{where}",
                        stage.label,
                        target.name,
                    )
        if inherited_from:
            # The fix is often this line (FROM build AS deploy), not the install: say so there.
            yield Hit(
                target.stage.start_line,
                f"{target.describe()} is built FROM {target.stage.base}, so it ships the tools "
                f"installed in {', '.join(inherited_from)}: start it from a runtime base and "
                "COPY --from the artefacts",
                target.stage.label,
                target.name,
            )


@lint_rule(
    "TL203",
    Severity.WARNING,
    "Several language runtimes in one image",
    "A deploy or local image carries more than one language runtime (say Python and Node): a "
    "kitchen sink that is big, slow to patch and hides which process the image is for. ci and "
    "dev images may need several and are not judged.",
    "Give each runtime its own image, or build assets (npm run build) in a build stage and copy "
    "only the output.",
)
def several_runtimes(ctx: LintContext) -> Iterator[Hit]:
    catalogue = ctx.catalogue
    for target in ctx.model.targets:
        if target.purpose not in {"deploy", "local"}:  # ci and dev may need several
            continue
        chain = list(reversed(ctx.model.inherited(target.stage)))
        seen: dict[str, int] = {}
        base_runtime = catalogue.runtime_of_image(chain[0].base)
        if base_runtime:
            seen[base_runtime] = chain[0].start_line
        for stage in chain:
            for instruction, commands in stage_runs(stage, onbuild=False):
                for install in kept_installs(commands):
                    runtime = catalogue.runtime_of_package(install.package)
                    if runtime and runtime not in seen:
                        seen[runtime] = instruction.start_line
        if len(seen) >= 2:
            ordered = sorted(seen.items(), key=lambda item: item[1])
            line = ordered[1][1]
            names = ", ".join(name for name, _ in ordered)
            yield Hit(
                line,
                f"{target.describe()} carries {len(seen)} runtimes: {names}",
                None,
                target.name,
            )


def _context_sources(instruction: Instruction) -> tuple[str, ...]:
    if instruction.keyword not in {"COPY", "ADD"} or instruction.flag_value("from") is not None:
        return ()
    if instruction.heredocs:
        return ()
    return instruction.args[:-1]


def _is_whole_context(source: str) -> bool:
    return source.strip("\"'") in {".", "./", "*", "./*"}


def _installs_dependencies(ctx: LintContext, instruction: Instruction) -> bool:
    for mount in instruction.flag_values("mount"):
        if mount_options(mount).get("type") == "bind":
            return False  # manifests are bound in, not taken from the source copy
    return any(
        _runs(command.words, entry)
        for command in run_commands(instruction)
        for entry in ctx.catalogue.install_commands
    )


def _runs(words: tuple[str, ...], entry: tuple[str, ...]) -> bool:
    """`pip install --no-cache-dir -r x` runs `pip install -r`: the entry's words in order,
    options in between allowed; a bare `yarn` only with nothing but options after it."""
    if not words or words[0] != entry[0]:
        return False
    if len(entry) == 1:
        return all(w.startswith("-") for w in words[1:])
    position = 1
    for word in words[1:]:
        if word == entry[position]:
            position += 1
            if position == len(entry):
                return True
        elif not word.startswith("-"):
            return False
    return False


@lint_rule(
    "TL204",
    Severity.INFO,
    "Source copied before dependencies are installed",
    "The whole source is copied before the dependency install runs, so every code change "
    "invalidates the cached dependency layer and the next build downloads everything again.",
    "COPY the dependency manifests (requirements.txt, package*.json, go.mod/go.sum, ...) first, "
    "install, then COPY the rest.",
)
def source_before_dependencies(ctx: LintContext) -> Iterator[Hit]:
    # Whether dependencies are installed by the end of each stage, FROM chain included (a base
    # stage always comes earlier, so one pass in order fills this).
    installs_by_end: dict[int, bool] = {}
    for stage in ctx.model.stages:
        inherited = stage.base_stage is not None and installs_by_end[stage.base_stage]
        installs_by_end[stage.index] = inherited or any(
            _installs_dependencies(ctx, run) for run in stage.of("RUN")
        )
    for stage in ctx.model.stages:
        # Dependencies installed before the source arrived (here or in a stage this one is
        # built FROM): a later install after COPY . . is the app itself, e.g. pip install .
        installed_before = stage.base_stage is not None and installs_by_end[stage.base_stage]
        source_copy: Instruction | None = None
        for instruction in stage.instructions:
            sources = _context_sources(instruction)
            if sources and any(_is_whole_context(s) for s in sources) and source_copy is None:
                source_copy = instruction
            elif instruction.keyword == "RUN" and _installs_dependencies(ctx, instruction):
                if source_copy is None:
                    installed_before = True
                    continue
                if installed_before:
                    break  # installing the app itself (pip install .): dependencies are cached
                yield Hit(
                    source_copy.start_line,
                    f"the source is copied before the "
                    f"dependency install at line {instruction.start_line}",
                    stage.label,
                )
                break


@lint_rule(
    "TL205",
    Severity.STYLE,
    "Many single-file COPY instructions",
    "A run of COPY instructions that each copy one file adds a layer and a cache key per file and "
    "is easy to let drift from the source tree.",
    "Copy the directory once (COPY . .) and keep unwanted files out with .dockerignore; copy "
    "dependency manifests separately first.",
)
def many_single_file_copies(ctx: LintContext) -> Iterator[Hit]:
    minimum = ctx.catalogue.single_file_run
    for stage in ctx.model.stages:
        run: list[Instruction] = []
        for instruction in [*stage.instructions, None]:
            single = (
                instruction is not None
                and instruction.keyword == "COPY"
                and len(_context_sources(instruction)) == 1
                and not _is_whole_context(instruction.args[0])
                and not re.search(r"[*?\[]", instruction.args[0])
            )
            if single and instruction is not None:
                run.append(instruction)
                continue
            if len(run) >= minimum:
                yield Hit(
                    run[0].start_line,
                    f"{len(run)} COPY instructions in a row copy one "
                    f"file each (lines {run[0].start_line}-{run[-1].start_line})",
                    stage.label,
                )
            run = []


@lint_rule(
    "TL206",
    Severity.WARNING,
    "Whole context copied without a .dockerignore",
    "`COPY .` sends and copies everything beside the Dockerfile: .git, node_modules, local .env "
    "files and keys end up in the image, and every edit busts the cache.",
    "Add a .dockerignore next to the build context (at least .git, node_modules, .env*, *.pem).",
)
def copy_context_without_dockerignore(ctx: LintContext) -> Iterator[Hit]:
    if ctx.has_dockerignore():
        return
    present = ctx.context_entries(ctx.catalogue.unwanted_in_context)
    what = f": {', '.join(present)} would be copied" if present else ""
    for stage in ctx.model.stages:
        for instruction in stage.of("COPY", "ADD"):
            if any(_is_whole_context(s) for s in _context_sources(instruction)):
                yield Hit(
                    instruction.start_line,
                    f"{instruction.keyword} of the whole context with no .dockerignore{what}",
                    stage.label,
                )


@lint_rule(
    "TL208",
    Severity.WARNING,
    "Build tools without a multi-stage build",
    "The only stage installs compilers (or starts from an SDK image) and is also what runs: the "
    "toolchain ships with the application.",
    "Split the file: a build stage with the toolchain, and a small runtime stage that copies the "
    "artefacts (COPY --from=build).",
)
def single_stage_with_build_tools(ctx: LintContext) -> Iterator[Hit]:
    if len(ctx.model.stages) != 1:
        return
    stage = ctx.model.stages[0]
    catalogue = ctx.catalogue
    if _image_matches(stage.base, catalogue.sdk_images):
        yield Hit(
            stage.start_line, f"single stage built on the SDK image {stage.base}", stage.label
        )
        return
    for instruction, commands in stage_runs(stage, onbuild=False):
        tools = [
            i.package
            for i in kept_installs(commands)
            if catalogue.tool_category(i.package, i.manager) in catalogue.build_tool_categories
        ]
        if tools:
            yield Hit(
                instruction.start_line,
                f"single stage installs build tools ({', '.join(tools)})",
                stage.label,
            )
            return


@lint_rule(
    "TL209",
    Severity.STYLE,
    "Stage name says nothing",
    "Stage names are how targets, COPY --from and readers find a stage; names like stage0, "
    "builder2 or `a` (or none, when another stage refers to it by number) hide what it does.",
    "Name stages after what they do: build, deps, test, deploy, dev.",
)
def vague_stage_name(ctx: LintContext) -> Iterator[Hit]:
    referenced_by_number = {
        link.stage_index
        for stage in ctx.model.stages
        for link in stage.links
        if link.stage_index is not None and link.source.isdigit()
    }
    for stage in ctx.model.stages:
        if stage.name is None:
            if stage.index in referenced_by_number:
                yield Hit(
                    stage.start_line,
                    f"stage {stage.index} has no name but is used by number",
                    stage.label,
                )
        elif any(p.fullmatch(stage.name) for p in ctx.catalogue.vague_stage_names):
            yield Hit(
                stage.start_line,
                f"stage name {stage.name!r} does not say what it does",
                stage.label,
            )
