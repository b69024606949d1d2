"""Rules on the image config (TP201-TP204, TP207, TP208): who it runs as, whether an Env value
names an environment, whether the entrypoint exists and is executable, whether the engine can
tell that the application is healthy, and whether the base it was built from is named exactly.
Whether what it starts can start at all (TP205, TP206) is start_rules.py."""

from __future__ import annotations

from imagetailor.analysis.model import Analysis
from imagetailor.environments import environments
from imagetailor.policy.rulebase import Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity

TP201 = _rule(
    "TP201",
    Severity.ERROR,
    "Image runs as root",
    "With no USER (or USER root / 0), the application runs as uid 0: a breakout from the "
    "container, or a writable host mount, then acts as root.",
    "Create an unprivileged user in the image (or use a numeric one such as 10001) and end "
    "the final stage with USER 10001.",
)


def _is_root(user: str | None) -> bool:
    name = (user or "").strip().split(":", 1)[0]
    return name in ("", "root", "0")


def _non_root(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    user = analysis.config.user
    if not _is_root(user):
        return []
    shown = "is not set" if not (user or "").strip() else f"is {user!r}"
    return [Evidence(f"the config's User {shown}, so the container runs as root")]


TP202 = _rule(
    "TP202",
    Severity.ERROR,
    "Environment value names an environment",
    "An image built for one environment (an ENV holding 'production', a staging host name) "
    "cannot be promoted unchanged from staging to production: the same image should run "
    "everywhere and get its environment at run time. `tailor lint` (TL207) reads the same "
    "catalogue (data/environments.toml): APP_ENV=production, DEPLOY_ENV=staging and "
    "API_URL=https://api.prod.example.com name a place; NODE_ENV=production (a build mode, "
    "also RAILS_ENV, RACK_ENV, MIX_ENV, FLASK_ENV, BABEL_ENV) does not.",
    "Remove the ENV from the Dockerfile and set the value at run time (docker run -e, the "
    "orchestrator's env, a config map).",
)


def _environment_agnostic(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    # The catalogue `tailor lint` (TL207) reads, plus this purpose's own words and variables.
    catalogue = environments().extended(settings.environment_words, settings.build_mode_variables)
    found = []
    for name, value in sorted(analysis.config.env.items()):
        place = catalogue.place_named(name, value)
        if place is not None:
            found.append(
                Evidence(
                    f"Env {name}={value!r} names the environment {place!r}",
                    name,
                    # ENV makes no layer of its own, so there is no layer to name.
                    None,
                )
            )
    return found


TP203 = _rule(
    "TP203",
    Severity.ERROR,
    "Entrypoint does not exist in the image",
    "The program the image's ENTRYPOINT (or CMD) names is not in the final file system, so "
    "the container cannot start; often a COPY went to another path or the binary is "
    "dynamically linked against a library the final stage lacks. An image with neither "
    "ENTRYPOINT nor CMD has nothing to run either.",
    "Fix the path in ENTRYPOINT, or COPY the program to where it names.",
)


def _entrypoint_exists(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    config = analysis.config
    if not config.entrypoint and not config.cmd:
        return [Evidence("the config has neither Entrypoint nor Cmd")]
    if config.entrypoint_exists is False:
        program = config.entrypoint_path or " ".join((config.entrypoint or config.cmd or [])[:1])
        return [Evidence(f"the entrypoint {program} does not exist in the image", program)]
    return []


TP204 = _rule(
    "TP204",
    Severity.ERROR,
    "Entrypoint is not executable",
    "The entrypoint exists but has no execute permission, so the container fails at start "
    "with 'permission denied'.",
    "chmod +x the program in the build stage (or COPY --chmod=0755).",
)


def _entrypoint_executable(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    config = analysis.config
    if config.entrypoint_exists and config.entrypoint_executable is False:
        path = config.entrypoint_path
        message = f"the entrypoint {path} is not executable"
        return [Evidence(message, path, _file_layer(analysis, path))]
    return []


def _file_layer(analysis: Analysis, path: str | None) -> int | None:
    for info in analysis.biggest_files:
        if info.path == path:
            return info.layer
    return None


TP207 = _rule(
    "TP207",
    Severity.INFO,
    "Image has no HEALTHCHECK",
    "Without a HEALTHCHECK, docker and compose know only that the process runs, not that it "
    "answers: a hung server stays 'running' and traffic keeps going to it. Orchestrators "
    "with their own probes (Kubernetes' liveness and readiness probes ignore HEALTHCHECK) do "
    "not need one, so this is information for deploy, never a failure. `HEALTHCHECK NONE` is a "
    "decision and is not reported. A probe needs a program in the image: an image without a "
    "shell or curl (distroless, tailor's generated deploy images) needs one the application "
    "ships, such as `/app/server health`.",
    "Add a HEALTHCHECK to the final stage that runs a probe the application ships, in exec "
    "form (a JSON array: no shell needed); or configure the orchestrator's probe and say so "
    "with HEALTHCHECK NONE.",
)


def _healthcheck(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    if analysis.config.healthcheck:
        return []
    return [Evidence("the config has no Healthcheck: nothing probes the application")]


BASE_NAME_LABEL = "org.opencontainers.image.base.name"

TP208 = _rule(
    "TP208",
    Severity.WARNING,
    "Base image named by the tag latest or by no tag",
    f"The image's {BASE_NAME_LABEL} label (OCI annotations) records the base it was built "
    "FROM. `latest`, or no tag at all (which means latest), names whatever the registry holds "
    "that day: the next build gets another base, and nobody can tell which one this image "
    "has. A digest (@sha256:...) or a version tag names one base. Images without the label "
    "are not judged.",
    "FROM a versioned tag, pinned by digest (FROM python:3.12.7-slim-bookworm@sha256:...), and "
    "label the image with what you used.",
)


def base_tag(name: str) -> str | None:
    """The tag of an image name as the label writes it; None for a name pinned by digest."""
    if "@" in name:
        return None
    last = name.rsplit("/", 1)[-1]  # a registry's port (localhost:5000/app) is not a tag
    return last.rsplit(":", 1)[1] if ":" in last else ""


def _base_named_exactly(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    name = analysis.config.labels.get(BASE_NAME_LABEL, "").strip()
    tag = base_tag(name) if name else None
    if tag is None or tag not in ("", "latest"):
        return []
    said = "the tag latest" if tag else "no tag (so latest)"
    return [Evidence(f"the base-image label says {name!r}: {said}", BASE_NAME_LABEL)]


CONFIG_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP201, lambda s: not s.allow_root, _non_root, ("CIS-DI-0001",)),
    PolicyRule(TP202, lambda s: s.environment_agnostic, _environment_agnostic),
    PolicyRule(TP203, lambda s: s.require_entrypoint, _entrypoint_exists),
    PolicyRule(TP204, lambda s: s.require_entrypoint, _entrypoint_executable),
)

# Judged after the start rules (TP205, TP206): what the config says about running and origin.
METADATA_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP207, lambda s: s.expect_healthcheck, _healthcheck, ("CIS-DI-0006",)),
    PolicyRule(TP208, lambda s: True, _base_named_exactly, ("DKL-DI-0006",)),
)
