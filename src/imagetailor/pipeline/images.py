"""`tailor build`: build each purpose's stage of the generated Dockerfile with the real engine
(one --target build per purpose, so common stages come from the shared BuildKit cache), tag it,
judge the image against its purpose with the `tailor check` policies, and run the ci image's
CMD once (its tests must pass for it to be fit)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imagetailor.analysis.layercache import LayerCache, persistent_cache
from imagetailor.diff.compare import ComparedImage
from imagetailor.engine.bake import bake
from imagetailor.engine.build import BuildResult, build
from imagetailor.engine.client import EngineClient, select_client
from imagetailor.errors import UsageError
from imagetailor.image.model import Image
from imagetailor.project.bases import BaseMap, default_family
from imagetailor.project.model import Spec

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
            expected = default_family(default)
            if base.family != expected:
                # The Dockerfile installs packages the way its upstream base does: an image of
                # another family would fail in the middle of the build.
                raise UsageError(
                    f"the base map ({bases.source or 'tailor.toml'}) maps {default} "
                    f"({expected}) to {base.image} ({base.family}): the Dockerfile installs with "
                    f"{expected} there; map it to an image with {expected}"
                )
            if base.image != default:
                args[name] = base.image
    return args


@dataclass
class CheckOutcome:
    fit: bool
    findings: int
    failed_rules: list[str] = field(default_factory=list)
    report: object | None = None  # imagetailor.policy.findings.CheckReport when checked
    compared_with: str | None = None  # the deploy image a local one was proven against


CI_TIMEOUT = 1800.0  # seconds a ci image's tests may run in `tailor build`
OUTPUT_TAIL = 4000  # characters of a failed run's output kept for the report


@dataclass
class CiRun:
    """The ci image's CMD run once, with no network: the tests the pipeline would run."""

    exit_code: int
    seconds: float
    output_tail: str

    @property
    def passed(self) -> bool:
        return self.exit_code == 0

    def as_json(self) -> dict[str, object]:
        return {
            "exit_code": self.exit_code,
            "passed": self.passed,
            "seconds": round(self.seconds, 2),
            "output_tail": self.output_tail,
        }


@dataclass
class PurposeBuild:
    purpose: str
    tag: str
    image_id: str
    seconds: float  # the engine's build
    size_bytes: int
    layers: int
    check: CheckOutcome
    build: BuildResult
    check_seconds: float = 0.0
    ci_run: CiRun | None = None

    @property
    def fit(self) -> bool:
        return self.check.fit and (self.ci_run is None or self.ci_run.passed)

    def as_json(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "tag": self.tag,
            "image_id": self.image_id,
            "size_bytes": self.size_bytes,
            "layers": self.layers,
            "seconds": round(self.seconds, 2),
            "build_seconds": round(self.seconds, 2),
            "check_seconds": round(self.check_seconds, 2),
            "fit": self.fit,
            "findings": self.check.findings,
            "failed_rules": self.check.failed_rules,
            "steps_run": len(self.build.executed_steps()),
            "steps_cached": len(self.build.cached_steps()),
            "ci_run": None if self.ci_run is None else self.ci_run.as_json(),
            "compared_with": self.check.compared_with,
        }


def run_ci(tag: str, client: EngineClient, timeout: float = CI_TIMEOUT) -> CiRun:
    """Run the ci image as a pipeline would: its own CMD, no network (everything it needs must
    be in the image), the container removed afterwards."""
    from imagetailor.engine.containers import run

    result = run(tag, [], network="none", timeout=timeout, client=client)
    output = (result.stdout + result.stderr)[-OUTPUT_TAIL:]
    return CiRun(result.exit_code, result.seconds, output)


def check_image(
    tag: str,
    purpose: str,
    spec: Spec,
    source: str,
    image: Image | None = None,
    cache: LayerCache | None = None,
    *,
    keep_files: bool = False,
    compare_with: ComparedImage | None = None,
) -> tuple[CheckOutcome, int, int, ComparedImage | None]:
    """Judge the built image as its purpose: (outcome, size_bytes, layers, the image with its
    hashed files when ``keep_files`` or ``compare_with`` asked for them).

    A purpose of the project's own is judged by its [policy.NAME] table when there is one, else
    by the built-in purpose it extends. ``image`` (already opened) and ``cache`` (layers of the
    other purposes' images) let `tailor build` export and read shared layers once.
    ``compare_with``: the deploy image, for a local one (`check --compare`'s rules, TP601-TP604).
    """
    from imagetailor.diff.compare import diff_images
    from imagetailor.image import open_image
    from imagetailor.policy.compare import add_comparison
    from imagetailor.policy.evaluate import evaluate, policy_rule_ids
    from imagetailor.policy.settings import resolve

    hashed = keep_files or compare_with is not None
    if image is None:
        with open_image(f"docker-daemon:{tag}", None) as opened:
            seen = _analyzed(opened, cache, hashed)
    else:
        seen = _analyzed(image, cache, hashed)
    analysis = seen.analysis
    judged_as = purpose if purpose in spec.policy else spec.base_purpose(purpose)
    settings = resolve(judged_as, spec.policy, source, known_rules=policy_rule_ids())
    report = evaluate(analysis, settings)
    if compare_with is not None:
        diff = diff_images(compare_with, seen)
        report = add_comparison(report, diff, analysis, compare_with.analysis, settings)
    failing = sorted({f.rule for f in report.findings if f.severity.rank >= settings.fail_on.rank})
    outcome = CheckOutcome(report.fit, len(report.findings), failing, report)
    if compare_with is not None:
        outcome.compared_with = compare_with.analysis.reference
    return outcome, analysis.size_bytes, len(analysis.layers), seen if hashed else None


def _analyzed(image: Image, cache: LayerCache | None, hashed: bool) -> ComparedImage:
    from imagetailor.analysis import analyze
    from imagetailor.diff.compare import analyze_for_diff

    if hashed:
        return analyze_for_diff(image, cache)
    return ComparedImage(analyze(image, layer_cache=cache), {})


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
    run_ci_image: bool = True,
    ci_timeout: float = CI_TIMEOUT,
) -> list[PurposeBuild]:
    dockerfile = project / spec.generate.dockerfile
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
        if client.can_bake and (project / spec.generate.bake).is_file()
        else None
    )
    built_by: dict[str, BuildResult] = {}
    for purpose in wanted:
        tag = spec.tag(purpose)
        if baked is not None:
            built_by[purpose] = baked[purpose]
            continue
        built_by[purpose] = build(
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
    # Every image is built before any is checked: one export of all of them writes each shared
    # layer once, and each layer is read once for all the images that have it.
    export_started = time.monotonic()
    images = _export([spec.tag(p) for p in wanted], client) if check else {}
    export_seconds = time.monotonic() - export_started  # counted in the first check's time
    cache = persistent_cache()
    # Local images are proven to be the deploy image plus allowed tools (`check --compare`):
    # deploy is checked first then, its files hashed, and kept until the local ones are judged.
    locals_ = [p for p in wanted if spec.base_purpose(p) == "local"]
    comparing = check and "deploy" in wanted and bool(locals_)
    order = sorted(wanted, key=lambda p: p != "deploy") if comparing else wanted
    deploy_seen: ComparedImage | None = None
    try:
        for purpose in order:
            tag, built = spec.tag(purpose), built_by[purpose]
            started = time.monotonic()
            if check:
                outcome, size, layers, seen = check_image(
                    tag, purpose, spec, source, images.get(tag), cache,
                    keep_files=comparing and purpose == "deploy",
                    compare_with=deploy_seen if purpose in locals_ else None,
                )  # fmt: skip
                if comparing and purpose == "deploy":
                    deploy_seen = seen
            else:
                outcome, size, layers = CheckOutcome(True, 0), 0, 0
            checked = time.monotonic() - started + export_seconds
            export_seconds = 0.0
            ci_run = None
            if run_ci_image and spec.base_purpose(purpose) == "ci":
                ci_run = run_ci(tag, client, ci_timeout)
            result = PurposeBuild(
                purpose, tag, built.image_id, built.seconds, size, layers, outcome, built,
                checked, ci_run,
            )  # fmt: skip
            results.append(result)
            if on_built is not None:
                on_built(result)
    finally:
        for image in images.values():
            image.close()
    results.sort(key=lambda r: wanted.index(r.purpose))
    return results


def _export(tags: list[str], client: EngineClient) -> dict[str, Image]:
    """The built images from one export of the engine they were built in (each opened by tag
    from it): a remote engine's (engine/endpoint.py) as much as the local one's."""
    from imagetailor.image.daemon import open_daemon_images

    return open_daemon_images(tags, endpoint=client.endpoint)
