"""The built-in image rules of ``tailor check``: each a small pure function of the analysis and
the purpose's settings, with a stable id (TP1xx tools, TP2xx config, TP3xx secrets, TP4xx size).

Which rules run for a purpose is decided by its settings (data/policy.toml, tailor.toml, flags):
a rule whose setting is off is not evaluated at all, so reports list only what was judged.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from imagetailor.analysis.model import Analysis
from imagetailor.environments import environments
from imagetailor.policy.busybox import APPLET, busybox_evidence
from imagetailor.policy.rulebase import Check, Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.policy.sizes import format_size
from imagetailor.policy.start_rules import START_RULES
from imagetailor.policy.vuln_rules import VULN_RULES
from imagetailor.rules import Severity, register

# --- the tool inventory -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tool:
    name: str
    category: str
    path: str | None
    layer: int | None


def _tools(analysis: Analysis, categories: Iterable[str], with_applets: bool = True) -> list[_Tool]:
    """Tools of the given categories: the analysis' hits, plus inventory paths no hit covers.

    A package-only hit (no path) is dropped when a file of the same category already shows the
    same tool, so `bash` the package and /bin/bash the file make one finding, not two.
    ``with_applets`` False leaves busybox's applet links out (policy/busybox.py judges them).
    """
    wanted = set(categories)
    hits = [
        hit
        for hit in analysis.tool_hits
        if hit.category in wanted and (with_applets or hit.evidence != APPLET)
    ]
    shown = {(h.category, n) for h in hits if h.path is not None for n in (h.name, h.package) if n}
    found: list[_Tool] = []
    covered: set[tuple[str, str | None]] = set()
    for hit in hits:
        covered.add((hit.category, hit.path))
        covered.add((hit.category, hit.name))
        # The inventory names installed packages "pkg:NAME": the same tool as its package hit.
        covered.update((hit.category, f"pkg:{n}") for n in (hit.name, hit.package) if n)
        if hit.path is None and (
            (hit.category, hit.name) in shown or (hit.category, hit.package) in shown
        ):
            continue
        found.append(_Tool(hit.name, hit.category, hit.path, hit.layer))
    if not with_applets:  # the inventory lists applet links by path too
        covered.update((h.category, h.path) for h in analysis.tool_hits if h.evidence == APPLET)
    for category in sorted(wanted):
        for entry in analysis.tools.get(category, []):
            if (category, entry) not in covered:
                name = entry.removeprefix("pkg:")
                name = posixpath.basename(name.rstrip("/")) or name
                path = entry if entry.startswith("/") else None
                found.append(_Tool(name, category, path, None))
    return sorted(found, key=lambda t: (t.path or "", t.name))


@cache
def _languages() -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = resources.files("imagetailor.data").joinpath("runtimes.toml").read_text("utf-8")
    table = tomllib.loads(text).get("languages", {})
    return tuple((language, tuple(patterns)) for language, patterns in table.items())


def runtime_language(name: str) -> str:
    """The language a runtime belongs to (data/runtimes.toml): python3.11 -> python."""
    for language, patterns in _languages():
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            return language
    return re.sub(r"[\d.]+$", "", name) or name


def _where(tool: _Tool) -> str:
    return f" at {tool.path}" if tool.path else " (installed package)"


def _forbidden_tools(categories: tuple[str, ...], noun: str) -> Check:
    def check(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
        hits = _tools(analysis, (c for c in categories if settings.forbids(c)), False)
        found = [
            Evidence(
                f"{noun} {tool.name}{_where(tool)} ({tool.category}); "
                f"a {settings.purpose} image must not carry it",
                tool.path,
                tool.layer,
            )
            for tool in hits
            if not settings.allows(tool.name, tool.category)
        ]
        if "shell" in categories:
            busybox = busybox_evidence(analysis, settings)
            if busybox is not None:  # one finding for the binary and every applet link
                found = [e for e in found if e.path != busybox.path] + [busybox]
        return found

    return check


def _forbids_any(categories: tuple[str, ...]) -> Callable[[PolicySettings], bool]:
    return lambda settings: any(settings.forbids(c) for c in categories)


# Categories with a rule of their own; any other category a purpose forbids (a user's own,
# added to data/tools.toml) falls to TP100.
_CATEGORY_RULES: list[tuple[str, tuple[str, ...], str, str, str, str]] = [
    (
        "TP101",
        ("shell",),
        "shell",
        "Image contains a shell",
        "A shell in a deploy image lets anyone who gets code execution in the container run "
        "arbitrary commands, and it invites `docker exec` debugging of production. busybox is "
        "reported once, with its applet links (sh, vi, wget, dpkg, ...) listed: they are what "
        "the one binary can do, not tools of their own.",
        "Copy only the application and what it needs into a scratch or distroless final stage; "
        "use exec-form ENTRYPOINT/CMD so no shell is needed. Keep a shell in the local image.",
    ),
    (
        "TP102",
        ("package-manager",),
        "package manager",
        "Image contains a package manager",
        "A package manager lets the running container change its own software, and its "
        "database and caches add size. What the application needs should be installed at "
        "build time, in an earlier stage.",
        "Install packages in a build stage and copy the results into a final stage built "
        "FROM scratch or distroless; or remove the package manager in the last stage.",
    ),
    (
        "TP103",
        ("compiler",),
        "compiler or build tool",
        "Image contains a compiler or build tool",
        "Compilers and build tools (gcc, make, go, cargo, javac...) are needed to build the "
        "application, not to run it; in a running image they only add size and attack surface.",
        "Build in a named build stage and COPY --from=build only the artefacts into the final "
        "stage.",
    ),
    (
        "TP104",
        ("debugger",),
        "debugger or profiler",
        "Image contains a debugger or profiler",
        "Debuggers and profilers (gdb, strace, delve, py-spy...) can read and change the "
        "memory of running processes; they belong in the dev image.",
        "Move the debugger to the dev stage; keep the deploy stage free of it.",
    ),
    (
        "TP105",
        ("test", "lint", "coverage"),
        "test, lint or coverage tool",
        "Image contains a test runner, linter or coverage tool",
        "Test runners, linters and coverage tools are what the ci image is for; in a running "
        "image they are dead weight and often pull in whole toolchains.",
        "Install them in the ci stage (tailor's generator does) and not in the stage the deploy "
        "image is built from.",
    ),
    (
        "TP106",
        ("network",),
        "network tool",
        "Image contains a network tool",
        "curl, wget, nc and friends let an intruder fetch payloads and move data out. The local "
        "image allows curl and wget for visibility; deploy images should not carry them.",
        "Drop them from the final stage; for health checks, build a tiny check into the "
        "application or use the orchestrator's HTTP probe.",
    ),
    (
        "TP107",
        ("monitoring",),
        "monitoring agent",
        "Image contains a monitoring or log agent",
        "Monitoring and log agents run beside the application (a sidecar or node agent), not "
        "inside its image: they add processes, size and credentials to every replica.",
        "Run the agent as a sidecar or on the node; remove it from the image.",
    ),
    (
        "TP108",
        ("vcs",),
        "version-control data",
        "Image contains version-control data",
        "A .git directory (or git itself) ships the project's history, which may hold secrets "
        "removed long ago, and tells an intruder exactly what runs.",
        "Add .git to .dockerignore and COPY only what the application needs.",
    ),
    (
        "TP109",
        ("editor",),
        "editor",
        "Image contains a text editor",
        "Editors exist to change files by hand; in a deploy image that means changing a running "
        "system outside of a build, which no one will be able to reproduce.",
        "Remove the editor from the final stage; edit in the dev image.",
    ),
]

_DEDICATED = frozenset(c for entry in _CATEGORY_RULES for c in entry[1])

TP100 = _rule(
    "TP100",
    Severity.ERROR,
    "Image contains a tool of a forbidden category",
    "The purpose's policy forbids a tool category that has no rule of its own (a category "
    "added to the tool catalogue, or one named in `forbid` in tailor.toml).",
    "Remove the tool from the image, or allow it: add its name to `allow` in the purpose's "
    "policy table of tailor.toml, or pass --allow NAME.",
)


def _other_forbidden(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    categories = tuple(c for c in settings.forbid if c not in _DEDICATED)
    return _forbidden_tools(categories, "tool")(analysis, settings)


TP110 = _rule(
    "TP110",
    Severity.ERROR,
    "Image contains more than one language runtime",
    "A deploy image runs one application in one language. A second runtime (python beside "
    "node, a JVM beside python) usually means a build stage's base leaked into the final stage.",
    "Base the final stage on the one runtime the application needs and COPY only its files.",
)


def _single_runtime(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    runtimes = [t for t in _tools(analysis, ("runtime",)) if not settings.allows(t.name, "runtime")]
    first: dict[str, _Tool] = {}
    for tool in runtimes:
        # Prefer a file over a package as the evidence for a language.
        language = runtime_language(tool.name)
        if language not in first or (first[language].path is None and tool.path is not None):
            first[language] = tool
    languages = sorted(first)
    if len(languages) < 2:
        return []
    return [
        Evidence(
            f"{language} runtime {first[language].name}{_where(first[language])} is one of "
            f"{len(languages)} language runtimes ({', '.join(languages)}); "
            f"a {settings.purpose} image should carry one",
            first[language].path,
            first[language].layer,
        )
        for language in languages
    ]


# --- what a purpose requires --------------------------------------------------------------------

TP120 = _rule(
    "TP120",
    Severity.ERROR,
    "Required tool is missing",
    "The purpose requires this tool (--require or `require` in tailor.toml), typically because "
    "the pipeline runs it, and it was found neither in the tool inventory nor among the "
    "installed packages. Tools the catalogue does not know are found by package name only.",
    "Install the tool in the stage this image is built from; if it is installed but not found, "
    "add it to the tool catalogue (data/tools.toml) so the inventory sees it.",
)


def _has_tool(analysis: Analysis, wanted: str) -> bool:
    if wanted.startswith("/"):
        return any(hit.path == wanted for hit in analysis.tool_hits) or any(
            wanted in paths for paths in analysis.tools.values()
        )
    if any(hit.name == wanted for hit in analysis.tool_hits):
        return True
    if any(package.name == wanted for package in analysis.packages):
        return True
    return any(
        posixpath.basename(entry.rstrip("/")) == wanted
        for entries in analysis.tools.values()
        for entry in entries
    )


def _required_tools(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(f"required tool {name} was not found in the image")
        for name in settings.require
        if not _has_tool(analysis, name)
    ]


TP121 = _rule(
    "TP121",
    Severity.ERROR,
    "Image has no toolchain",
    "A dev image is where code is built and changed: it needs a compiler, or a language "
    "runtime together with its package manager.",
    "Base the dev stage on the build stage (FROM build AS dev) so it inherits the toolchain.",
)


def _toolchain(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    if _tools(analysis, ("compiler",)):
        return []
    if _tools(analysis, ("runtime",)) and _tools(analysis, ("package-manager",)):
        return []
    return [Evidence("no compiler, and no language runtime together with a package manager")]


TP122 = _rule(
    "TP122",
    Severity.ERROR,
    "Image has no debugger",
    "A dev image is where problems are chased: it needs a debugger or profiler (gdb, delve, "
    "debugpy, ...).",
    "Install the language's debugger in the dev stage.",
)


def _debugger(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    if _tools(analysis, ("debugger",)):
        return []
    return [Evidence("no debugger or profiler found")]


# --- the config ---------------------------------------------------------------------------------

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


# --- secrets ------------------------------------------------------------------------------------

TP301 = _rule(
    "TP301",
    Severity.ERROR,
    "Secret in a file of the image",
    "Anyone who can pull the image can read the secret, in every layer that ever held it, even "
    "if a later layer deletes it.",
    "Revoke the secret now. Then pass it at build time with RUN --mount=type=secret, and "
    "add the file to .dockerignore.",
)


def _file_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(f"{hit.description} ({hit.kind}): {hit.excerpt}", hit.path, hit.layer)
        for hit in analysis.secrets
        if hit.location == "file" and hit.allowed_by is None
    ]


TP303 = _rule(
    "TP303",
    Severity.INFO,
    "Known test-fixture secret",
    "A key or token in a path the secret catalogue lists as public test data (for example the "
    "test keys in Go's crypto/tls/testdata, which every Go toolchain image carries). It is not "
    "a leak, so it does not make an image unfit; it is shown so that nothing is skipped "
    "silently, and because a deploy image should carry no test data at all.",
    "Nothing to revoke. Keep test data out of deploy images (copy only the build output); if a "
    "path is wrongly allowed, override that allow entry in your own secrets.toml.",
)


def _fixture_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(
            f"{hit.description} ({hit.kind}), allowed as {hit.allowed_by}: {hit.excerpt}",
            hit.path,
            hit.layer,
        )
        for hit in analysis.secrets
        if hit.location == "file" and hit.allowed_by is not None
    ]


TP302 = _rule(
    "TP302",
    Severity.ERROR,
    "Secret in the image config",
    "Env, labels and the build history are stored in clear text in the image config and shown "
    "by `docker inspect` and `docker history` to anyone who can pull the image.",
    "Revoke the secret; pass it at run time (env from the orchestrator's secret store) or at "
    "build time with RUN --mount=type=secret, never ARG or ENV.",
)


def _config_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    where = {"env": "Env", "label": "label", "history": "build history"}
    return [
        Evidence(
            f"{hit.description} ({hit.kind}) in {where.get(hit.location, hit.location)}"
            f"{' ' + hit.path if hit.path else ''}: {hit.excerpt}",
            hit.path,
            hit.layer,
        )
        for hit in analysis.secrets
        if hit.location != "file"
    ]


# --- size and waste -----------------------------------------------------------------------------

TP401 = _rule(
    "TP401",
    Severity.ERROR,
    "Image is larger than allowed",
    "The purpose sets a size limit (max_size_bytes): bigger images pull and start slower and "
    "carry more to patch. Size here is the sum of the layers' file bytes, the figure dive "
    "calls image size.",
    "Look at `tailor inspect` for the biggest layers and files; move build-only files to a "
    "build stage.",
)


def _max_size(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_size_bytes
    if limit is None or analysis.size_bytes <= limit:
        return []
    biggest = max(analysis.layers, key=lambda layer: layer.size_bytes, default=None)
    where = "" if biggest is None else f"; the biggest layer is {biggest.index}"
    return [
        Evidence(
            f"image size {format_size(analysis.size_bytes)} ({analysis.size_bytes} bytes) is over "
            f"the limit {format_size(limit)} ({limit} bytes){where}",
            None,
            None if biggest is None else biggest.index,
        )
    ]


TP402 = _rule(
    "TP402",
    Severity.ERROR,
    "Image stores too many bytes it never uses",
    "Bytes written by one layer and overwritten or deleted by a later one still travel with "
    "the image (max_wasted_bytes). This is imagetailor's hidden-bytes figure, which counts "
    "only the hidden copies; dive's wasted bytes also count the copy that survives.",
    "Delete temporary files in the same RUN that created them, or build in a separate stage "
    "and COPY only the result.",
)


def _max_wasted(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_wasted_bytes
    hidden = analysis.hidden
    if limit is None or hidden.total_bytes <= limit:
        return []
    top = max(hidden.files, key=lambda f: f.size_bytes, default=None)
    detail = (
        ""
        if top is None
        else f"; the largest is {top.path} ({format_size(top.size_bytes)}), written by layer "
        f"{top.layer} and {top.how} by layer {top.hidden_by_layer}"
    )
    return [
        Evidence(
            f"{format_size(hidden.total_bytes)} ({hidden.total_bytes} bytes) never reach the final "
            f"file system, over the limit {format_size(limit)} ({limit} bytes){detail}",
            None if top is None else top.path,
            None if top is None else top.layer,
        )
    ]


TP403 = _rule(
    "TP403",
    Severity.ERROR,
    "Image has more layers than allowed",
    "Every layer is a separate download and a separate entry in the overlay file system; past "
    "a few dozen, pulls and container starts slow down (max_layers).",
    "Merge consecutive RUN instructions, and copy the final artefacts in one COPY.",
)


def _max_layers(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    limit = settings.max_layers
    count = len(analysis.layers)
    if limit is None or count <= limit:
        return []
    return [Evidence(f"{count} layers, over the limit of {limit}")]


TP404 = _rule(
    "TP404",
    Severity.WARNING,
    "Image efficiency is below the minimum",
    "dive's efficiency score (by dive's own definition, so `dive --ci` agrees) is the share "
    "of stored bytes that are not duplicated across layers (min_efficiency).",
    "Avoid writing the same paths in several layers: install and clean up in one RUN, and "
    "copy build outputs from a build stage.",
)


def _min_efficiency(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    minimum = settings.min_efficiency
    efficiency = analysis.dive.efficiency
    if minimum is None or efficiency >= minimum:
        return []
    return [Evidence(f"efficiency {efficiency:.4f} is below the minimum {minimum:.4f}")]


# --- the table of rules -------------------------------------------------------------------------

POLICY_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(
        TP100,
        lambda s: any(s.forbids(c) for c in s.forbid if c not in _DEDICATED),
        _other_forbidden,
    ),
    *(
        PolicyRule(
            _rule(rule_id, Severity.ERROR, title, explanation, fix),
            _forbids_any(categories),
            _forbidden_tools(categories, noun),
        )
        for rule_id, categories, noun, title, explanation, fix in _CATEGORY_RULES
    ),
    PolicyRule(TP110, lambda s: s.single_runtime, _single_runtime),
    PolicyRule(TP120, lambda s: bool(s.require), _required_tools),
    PolicyRule(TP121, lambda s: s.require_toolchain, _toolchain),
    PolicyRule(TP122, lambda s: s.require_debugger, _debugger),
    PolicyRule(TP201, lambda s: not s.allow_root, _non_root),
    PolicyRule(TP202, lambda s: s.environment_agnostic, _environment_agnostic),
    PolicyRule(TP203, lambda s: s.require_entrypoint, _entrypoint_exists),
    PolicyRule(TP204, lambda s: s.require_entrypoint, _entrypoint_executable),
    *START_RULES,
    PolicyRule(TP301, lambda s: True, _file_secrets),
    PolicyRule(TP302, lambda s: True, _config_secrets),
    PolicyRule(TP303, lambda s: True, _fixture_secrets),
    PolicyRule(TP401, lambda s: s.max_size_bytes is not None, _max_size),
    PolicyRule(TP402, lambda s: s.max_wasted_bytes is not None, _max_wasted),
    PolicyRule(TP403, lambda s: s.max_layers is not None, _max_layers),
    PolicyRule(TP404, lambda s: s.min_efficiency is not None, _min_efficiency),
    *VULN_RULES,
)

register(*(entry.rule for entry in POLICY_RULES))
