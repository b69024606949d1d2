"""Package-manager hygiene (TL115-TL120): hadolint's install rules, one small check each.

Each rule flags the RUN line as hadolint does, and each hit names the one hadolint rule it
matches (DL3008 for apt-get, DL3018 for apk, ...), so pragmas and the parity test work per code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from imagetailor.lint.model import mount_options
from imagetailor.lint.parse import Instruction
from imagetailor.lint.rules.base import Hit, LintContext, lint_rule, stage_runs
from imagetailor.lint.shell import SimpleCommand
from imagetailor.rules import Severity

# Options whose next word is their value, not a package (per manager family).
_VALUED = {
    "apt": {"-o", "-t", "-c", "--target-release", "--option", "--config-file"},
    "apk": {"--virtual", "-t", "--repository", "-X", "--root", "-p", "--arch", "--keys-dir"},
    "pip": {
        *("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url"),
        *("--extra-index-url", "-t", "--target", "-f", "--find-links", "--prefix", "--root"),
        *("--trusted-host", "--src", "--platform", "--python-version", "--cache-dir", "--log"),
        *("--implementation", "--abi", "--progress-bar", "--only-binary", "--no-binary"),
    },
    "npm": {"--prefix", "--registry", "--cache", "-w", "--workspace", "--userconfig"},
    "gem": {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source"},
    "rpm": {"--setopt", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "-c"},
}
_INSTALL_VERBS = {
    "apt": {"install"},
    "apk": {"add"},
    "pip": {"install"},
    "npm": {"install", "i", "add"},
    "gem": {"install"},
    "rpm": {"install", "in"},  # `in` is zypper's short form
}


@dataclass(frozen=True)
class PackageCall:
    """One package-manager command: which tool, its verb, its options and its package words."""

    tool: str  # apt-get, apk, pip, npm, gem, yum, dnf, zypper (microdnf counts as dnf)
    verb: str
    options: tuple[str, ...]
    packages: tuple[str, ...]

    def has(self, *options: str) -> bool:
        return any(option in self.options for option in options)

    def has_short(self, letter: str) -> bool:
        """A short option, alone or clustered (`-qy` has y)."""
        return any(
            o.startswith("-") and not o.startswith("--") and letter in o[1:] for o in self.options
        )


def _family(command: SimpleCommand) -> tuple[str, str] | None:
    name, words = command.name, command.words
    if name in {"apt-get", "aptitude"}:
        return name, "apt"
    if name == "apk":
        return "apk", "apk"
    if name in {"yum", "dnf", "zypper"}:
        return name, "rpm"
    if name == "microdnf":
        return "dnf", "rpm"
    if re.fullmatch(r"pip[0-9.]*", name) or (
        name.startswith("python") and words[1:3] == ("-m", "pip")
    ):
        return "pip", "pip"
    if name == "npm":
        return "npm", "npm"
    if name == "gem":
        return "gem", "gem"
    return None


def package_call(command: SimpleCommand) -> PackageCall | None:
    found = _family(command)
    if found is None:
        return None
    tool, family = found
    words = command.words[3:] if command.words[1:3] == ("-m", "pip") else command.words[1:]
    verb = ""
    options: list[str] = []
    packages: list[str] = []
    valued = _VALUED[family]
    skip = False
    for word in words:
        if skip:
            skip = False
            options.append(word)
        elif word.startswith("-"):
            options.append(word)
            skip = word in valued
        elif not verb:
            verb = word
        else:
            packages.append(word)
    return PackageCall(tool, verb, tuple(options), tuple(packages))


def installs_in(commands: list[SimpleCommand]) -> Iterator[PackageCall]:
    for command in commands:
        call = package_call(command)
        family = _family(command)
        if call is not None and family is not None and call.verb in _INSTALL_VERBS[family[1]]:
            yield call


_PIP_PIN = re.compile(r"(===?|>=?|<=?|~=|!=|@)")


def _pinned(tool: str, package: str, call: PackageCall) -> bool:
    """Whether one package word names a version, the way hadolint reads each manager."""
    if tool in {"apt-get", "aptitude"}:
        return "=" in package or package.endswith(".deb")
    if tool == "apk":
        return "=" in package or package.endswith(".apk")
    if tool in {"yum", "dnf"}:
        return bool(re.search(r"-\d", package)) or package.endswith(".rpm")
    if tool == "zypper":
        return bool(re.search(r"[=<>]", package)) or package.endswith(".rpm")
    if tool == "pip":
        # A VCS or URL requirement is pinned only by its @ref (which _PIP_PIN sees).
        local = package.startswith((".", "/")) or package.endswith((".whl", ".tar.gz", ".zip"))
        return bool(_PIP_PIN.search(package)) or local
    if tool == "npm":
        return (
            "@" in package[1:]
            or package.startswith((".", "/", "~", "git", "http", "github:", "file:"))
            or package.endswith((".tgz", ".tar.gz"))
        )
    if tool == "gem":
        return ":" in package or call.has("-v", "--version")
    return True


_PIN_CODES = {
    "apt-get": "DL3008",
    "apk": "DL3018",
    "yum": "DL3033",
    "zypper": "DL3037",
    "dnf": "DL3041",
    "pip": "DL3013",
    "npm": "DL3016",
    "gem": "DL3028",
}
_LANGUAGE_TOOLS = {"pip", "npm", "gem"}


def _unpinned(ctx: LintContext, tools: set[str]) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            flagged: set[str] = set()
            for call in installs_in(commands):
                code = _PIN_CODES.get(call.tool)
                if call.tool not in tools or code is None or code in flagged:
                    continue
                if call.tool == "pip" and call.has("-r", "--requirement", "-c", "--constraint"):
                    continue  # the versions are in the requirements or constraints file
                loose = [p for p in call.packages if not _pinned(call.tool, p, call)]
                if loose:
                    flagged.add(code)
                    yield Hit(
                        instruction.start_line,
                        f"{call.tool} {call.verb} without a version for {', '.join(loose[:4])}",
                        stage.label,
                        hadolint=code,
                    )


@lint_rule(
    "TL115",
    Severity.WARNING,
    "Language packages installed without a version",
    "`pip install flask`, `npm install -g typescript` or `gem install rails` installs whatever is "
    "newest on the day of the build: two builds of one Dockerfile differ, and a broken release "
    "breaks the build. Requirements and constraints files, local paths and VCS URLs count as "
    "pinned.",
    "Name the version (flask==3.0.3, typescript@5.4.5, rails:7.1.3) or install from a lock file "
    "(pip install -r requirements.txt, npm ci).",
    hadolint=("DL3013", "DL3016", "DL3028"),
)
def unpinned_language_packages(ctx: LintContext) -> Iterator[Hit]:
    yield from _unpinned(ctx, _LANGUAGE_TOOLS)


@lint_rule(
    "TL116",
    Severity.WARNING,
    "Distribution packages installed without a version",
    "hadolint's pinning rules for apt-get, apk, yum, dnf and zypper. Off by default: Debian, "
    "Ubuntu and Alpine drop superseded versions from their archives, so an exact pin breaks the "
    "build within weeks, and a pinned base image (by digest) already fixes what its package "
    'lists offer. Turn it on with `[lint] enable = ["TL116"]` where you mirror the archive.',
    "Pin the version (curl=7.88.1-10+deb12u5, curl=8.5.0-r0, httpd-2.4.57) or pin the base image "
    "by digest.",
    hadolint=("DL3008", "DL3018", "DL3033", "DL3037", "DL3041"),
    enabled=False,
)
def unpinned_distribution_packages(ctx: LintContext) -> Iterator[Hit]:
    yield from _unpinned(ctx, set(_PIN_CODES) - _LANGUAGE_TOOLS | {"aptitude"})


def _assumes_yes(call: PackageCall) -> bool:
    if call.tool in {"apt-get", "aptitude"}:
        quiet = sum(o.count("q") for o in call.options if o.startswith("-") and o[1:2] != "-")
        return (
            call.has("-y", "--yes", "--assume-yes", "--quiet=2") or call.has_short("y") or quiet > 1
        )
    if call.tool == "zypper":
        return call.has("--non-interactive", "--no-confirm", "-y") or call.has_short("n")
    return call.has("--assumeyes") or call.has_short("y")


_YES_CODES = {"apt-get": "DL3014", "yum": "DL3030", "dnf": "DL3038", "zypper": "DL3034"}


@lint_rule(
    "TL117",
    Severity.WARNING,
    "Package install that waits for an answer",
    "Without -y (zypper: -n) the package manager asks before installing; a build has nobody to "
    "answer, so it fails, or installs nothing where the answer defaults to no.",
    "Add -y (apt-get -y install, yum/dnf install -y) or zypper -n install.",
    hadolint=("DL3014", "DL3030", "DL3038", "DL3034"),
)
def install_asks(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            flagged: set[str] = set()
            for call in installs_in(commands):
                code = _YES_CODES.get(call.tool)
                if code is None or code in flagged or _assumes_yes(call):
                    continue
                flagged.add(code)
                yield Hit(
                    instruction.start_line,
                    f"{call.tool} {call.verb} without {'-n' if call.tool == 'zypper' else '-y'}",
                    stage.label,
                    hadolint=code,
                )


_CLEANS = {
    "yum": ("DL3032", ("clean", "all"), "/var/cache/yum"),
    "dnf": ("DL3040", ("clean", "all"), "/var/cache/dnf"),
    "zypper": ("DL3036", ("clean",), "/var/cache/zypp"),
}


def _cache_mounted(instruction: Instruction, path: str) -> bool:
    for mount in instruction.flag_values("mount"):
        options = mount_options(mount)
        target = options.get("target", "").rstrip("/")
        if options.get("type") == "cache" and target and path.startswith(target):
            return True
    return False


@lint_rule(
    "TL118",
    Severity.WARNING,
    "yum, dnf or zypper cache left in the layer",
    "yum, dnf and zypper keep downloaded metadata and packages under /var/cache; unless the same "
    "RUN cleans it, the layer carries tens of megabytes nobody uses.",
    "End the RUN with `&& yum clean all` (dnf clean all, zypper clean), or mount a cache on "
    "/var/cache/yum (dnf, zypp).",
    hadolint=("DL3032", "DL3040", "DL3036"),
)
def rpm_cache_kept(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            used = {c.tool for c in installs_in(commands)}
            for tool in sorted(used & set(_CLEANS)):
                code, clean, cache = _CLEANS[tool]
                if not _cleans(commands, tool, clean, cache) and not _cache_mounted(
                    instruction, cache
                ):
                    yield Hit(
                        instruction.start_line,
                        f"{tool} install without `{tool} {' '.join(clean)}`",
                        stage.label,
                        hadolint=code,
                    )


def _cleans(commands: list[SimpleCommand], tool: str, clean: tuple[str, ...], cache: str) -> bool:
    for command in commands:
        call = package_call(command)
        if (
            call is not None
            and call.tool == tool
            and (call.verb, *call.packages)[: len(clean)] == clean
        ):
            return True
        if command.name == "rm" and command.has_prefix(cache):
            return True
    return False


@lint_rule(
    "TL119",
    Severity.WARNING,
    "pip keeps its download cache",
    "pip caches every wheel it downloads under ~/.cache/pip: in an image layer that is pure "
    "waste, often as big as the packages themselves.",
    "Use `pip install --no-cache-dir`, set ENV PIP_NO_CACHE_DIR=1, or mount a cache "
    "(RUN --mount=type=cache,target=/root/.cache/pip).",
    hadolint=("DL3042",),
)
def pip_cache_kept(ctx: LintContext) -> Iterator[Hit]:
    no_cache = False  # ENV PIP_NO_CACHE_DIR, from the line that sets it on
    for stage in ctx.model.stages:
        runs = dict((run.start_line, commands) for run, commands in stage_runs(stage))
        for instruction in stage.instructions:
            if instruction.keyword == "ENV" and "PIP_NO_CACHE_DIR" in instruction.args[0::2]:
                no_cache = True
            commands = runs.get(instruction.start_line)
            if commands is None or no_cache or _pip_cache_mounted(instruction):
                continue
            if any(
                call.tool == "pip" and not call.has("--no-cache-dir")
                for call in installs_in(commands)
            ):
                yield Hit(
                    instruction.start_line, "pip install keeps its cache in the layer", stage.label
                )


def _pip_cache_mounted(instruction: Instruction) -> bool:
    return any(
        mount_options(m).get("type") == "cache"
        and mount_options(m).get("target", "").rstrip("/").endswith("/pip")
        for m in instruction.flag_values("mount")
    )


@lint_rule(
    "TL120",
    Severity.WARNING,
    "apt in a script",
    "`apt` is apt's interactive front end: its output and options are not a stable interface "
    "and it warns so in every build log.",
    "Use apt-get (install, update, remove) or apt-cache (search, show).",
    hadolint=("DL3027",),
)
def apt_in_script(ctx: LintContext) -> Iterator[Hit]:
    for stage in ctx.model.stages:
        for instruction, commands in stage_runs(stage):
            if any(c.name == "apt" for c in commands):
                yield Hit(instruction.start_line, "apt in RUN: use apt-get", stage.label)
