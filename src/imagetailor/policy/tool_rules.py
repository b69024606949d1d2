"""Rules on the tools an image carries (TP1xx): forbidden categories, one language runtime, and
what a purpose requires (a named tool, a toolchain, a debugger). The inventory they read is the
analysis' tool hits (analysis/tools.py); busybox's applet links are judged as one (busybox.py)."""

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
from imagetailor.policy.busybox import APPLET, busybox_evidence
from imagetailor.policy.rulebase import Check, Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity

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


TOOL_RULES: tuple[PolicyRule, ...] = (
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
)
