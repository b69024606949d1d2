"""`tailor build`: build each purpose's stage of the generated Dockerfile with the real engine
(one --target build per purpose, so common stages come from the shared BuildKit cache), tag it,
then judge the image against its purpose with the `tailor check` policies."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imagetailor.engine.build import BuildFailedError, BuildResult, build
from imagetailor.engine.client import EngineClient, select_client
from imagetailor.engine.process import first_line, run_client
from imagetailor.engine.progress import parse_plain_progress
from imagetailor.errors import UsageError
from imagetailor.spec.bases import BaseMap
from imagetailor.spec.model import Spec

_GLOBAL_ARG = re.compile(r"^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$")


def base_build_args(dockerfile_text: str, bases: BaseMap) -> dict[str, str]:
    """--build-arg values for the base-image ARGs declared before the first FROM whose default
    the base map redirects (read from the file itself, so hand edits are honoured)."""
    args: dict[str, str] = {}
    for line in dockerfile_text.splitlines():
        stripped = line.strip()
        if stripped.upper().startswith("FROM "):
            break
        match = _GLOBAL_ARG.match(stripped)
        if match:
            name, default = match.groups()
            base = bases.resolve(default)
            if base.image != default:
                args[name] = base.image
    return args


@dataclass
class CheckOutcome:
    fit: bool
    findings: int
    failed_rules: list[str] = field(default_factory=list)
    report: object | None = None  # imagetailor.policy.findings.CheckReport when checked


@dataclass
class PurposeBuild:
    purpose: str
    tag: str
    image_id: str
    seconds: float
    size_bytes: int
    layers: int
    check: CheckOutcome
    build: BuildResult

    def as_json(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "tag": self.tag,
            "image_id": self.image_id,
            "size_bytes": self.size_bytes,
            "layers": self.layers,
            "seconds": round(self.seconds, 2),
            "fit": self.check.fit,
            "findings": self.check.findings,
            "failed_rules": self.check.failed_rules,
            "steps_run": len(self.build.executed_steps()),
            "steps_cached": len(self.build.cached_steps()),
        }


def bake_argv(
    client: EngineClient,
    project: Path,
    purposes: list[str],
    build_args: dict[str, str],
    no_cache: bool = False,
) -> list[str]:
    """`docker buildx bake` for the purposes' targets of the generated docker-bake.hcl, with the
    base map's images as overrides of every target's args."""
    argv = [client.binary, "buildx", "bake", "--file", str(project / "docker-bake.hcl")]
    argv += ["--load", "--progress", "plain"]
    for name, value in sorted(build_args.items()):
        argv += ["--set", f"*.args.{name}={value}"]
    if no_cache:
        argv.append("--no-cache")
    return argv + purposes


def bake(
    client: EngineClient,
    project: Path,
    tags: dict[str, str],
    build_args: dict[str, str],
    on_line: Callable[[str], None] | None,
    no_cache: bool,
) -> dict[str, BuildResult]:
    """Build every purpose in one bake (targets in parallel, common stages once). BuildKit's log
    is shared, so each purpose gets the whole log and the bake's wall time."""
    purposes = list(tags)
    argv = bake_argv(client, project, purposes, build_args, no_cache)
    started = time.monotonic()
    process = subprocess.run(
        argv, cwd=project, env=client.process_env(), capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - started
    log_text = process.stdout + process.stderr
    if on_line is not None:
        for line in log_text.splitlines():
            on_line(line)
    if process.returncode != 0:
        raise BuildFailedError(f"docker buildx bake failed: {first_line(log_text)}", log_text)
    steps = parse_plain_progress(log_text)
    results: dict[str, BuildResult] = {}
    for purpose in purposes:
        inspect = run_client(client, ["image", "inspect", "--format", "{{.Id}}", tags[purpose]])
        results[purpose] = BuildResult(inspect.stdout.decode().strip(), seconds, log_text, steps)
    return results


def check_image(tag: str, purpose: str, spec: Spec, source: str) -> tuple[CheckOutcome, int, int]:
    """Judge the built image as its purpose: (outcome, size_bytes, layers).

    A purpose of the project's own is judged by its [policy.NAME] table when there is one, else
    by the built-in purpose it extends.
    """
    from imagetailor.analysis import analyze
    from imagetailor.image import open_image
    from imagetailor.policy.evaluate import evaluate, policy_rule_ids
    from imagetailor.policy.settings import resolve

    with open_image(f"docker-daemon:{tag}", None) as image:
        analysis = analyze(image)
    judged_as = purpose if purpose in spec.policy else spec.base_purpose(purpose)
    settings = resolve(judged_as, spec.policy, source, known_rules=policy_rule_ids())
    report = evaluate(analysis, settings)
    failing = sorted({f.rule for f in report.findings if f.severity.rank >= settings.fail_on.rank})
    outcome = CheckOutcome(report.fit, len(report.findings), failing, report)
    return outcome, analysis.size_bytes, len(analysis.layers)


def build_purposes(
    project: Path,
    spec: Spec,
    bases: BaseMap,
    purposes: list[str],
    *,
    client: EngineClient | None = None,
    on_line: Callable[[str], None] | None = None,
    on_built: Callable[[PurposeBuild], None] | None = None,
    check: bool = True,
    no_cache: bool = False,
) -> list[PurposeBuild]:
    dockerfile = project / "Dockerfile"
    if not dockerfile.is_file():
        raise UsageError(f"{dockerfile} does not exist: run `tailor generate` first")
    wanted = purposes or spec.all_purposes()
    for purpose in wanted:
        spec.base_purpose(purpose)  # unknown purposes fail before anything is built
    build_args = base_build_args(dockerfile.read_text("utf-8"), bases)
    results: list[PurposeBuild] = []
    source = str(project / "tailor.toml")
    client = client or select_client()
    baked = (
        bake(client, project, {p: spec.tag(p) for p in wanted}, build_args, on_line, no_cache)
        if client.can_bake and (project / "docker-bake.hcl").is_file()
        else None
    )
    for purpose in wanted:
        tag = spec.tag(purpose)
        if baked is not None:
            built = baked[purpose]
        else:
            built = build(
                project,
                dockerfile,
                target=purpose,
                tags=[tag],
                labels={"dev.imagetailor.purpose": purpose},
                build_args=build_args,
                client=client,
                on_line=on_line,
                no_cache=no_cache,
            )
        if check:
            outcome, size, layers = check_image(tag, purpose, spec, source)
        else:
            outcome, size, layers = CheckOutcome(True, 0), 0, 0
        result = PurposeBuild(
            purpose, tag, built.image_id, built.seconds, size, layers, outcome, built
        )
        results.append(result)
        if on_built is not None:
            on_built(result)
    return results
