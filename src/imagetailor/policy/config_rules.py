"""Rules on the image config (TP201-TP204): who it runs as, whether an Env value names an
environment, and whether the entrypoint exists and is executable. Whether what it starts can
start at all (TP205, TP206) is start_rules.py."""

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


CONFIG_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP201, lambda s: not s.allow_root, _non_root),
    PolicyRule(TP202, lambda s: s.environment_agnostic, _environment_agnostic),
    PolicyRule(TP203, lambda s: s.require_entrypoint, _entrypoint_exists),
    PolicyRule(TP204, lambda s: s.require_entrypoint, _entrypoint_executable),
)
