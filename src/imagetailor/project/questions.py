"""`tailor init`'s questions, each defaulting to the detected answer and validated as it is
answered (a bad answer is asked again), and the commented tailor.toml they produce.

With ``--yes`` nothing is asked: detected answers and ``--set KEY=VALUE`` are taken as they
are, and a key detection could not settle stops init with one line naming it, before anything
is written.
"""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagetailor import languages
from imagetailor.errors import UsageError
from imagetailor.generate.assembler import purpose_tools
from imagetailor.generate.quoting import toml_value
from imagetailor.generate.recipes import catalogue
from imagetailor.project.detect import Detected
from imagetailor.project.model import SPEC_FILE, Spec, parse_spec

# ask(question, default, check) -> answer; check raises ValueError to have it asked again.
Check = Callable[[str], object]
Ask = Callable[[str, str, Check], str]
SETTABLE = (
    "app.name",
    "app.version",
    "app.runtime_version",
    "app.start",
    "app.main",
    "app.port",
    "app.test",
    "app.build",
    "app.kind",
    "app.package_manager",
    "app.config",
    "frontend.dir",
    "deploy.platform",
    "purposes.ci.tools",
    "purposes.local.tools",
    "purposes.dev.tools",
)


@dataclass
class Answers:
    app: dict[str, Any]
    frontend: dict[str, Any] | None
    deploy: dict[str, Any]
    generate: dict[str, str]
    tools: dict[str, list[str]] = field(default_factory=dict)


def words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


def _check_field(key: str, value: object) -> None:
    """Validate one app.* value by the model's own rules (one line on failure)."""
    data = {"name": "x", "language": "go", "runtime_version": "1.0", key: value}
    try:
        parse_spec({"app": data}, "answer")
    except UsageError as exc:
        message = str(exc).removeprefix("answer: ")
        if message.startswith(f"app.{key}"):
            raise ValueError(message) from None


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError("a TCP port is a number from 1 to 65535")
    return int(text)


def _tools(text: str) -> list[str]:
    if text.strip().lower() in ("", "none"):
        return []
    known = catalogue().recipes
    names = words(text)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown tool {unknown[0]!r}: choose from {', '.join(sorted(known))}")
    return names


def _start(text: str) -> list[str]:
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"cannot read the command: {exc}") from None
    if not argv:
        raise ValueError("give the command that starts the app")
    _check_field("start", argv)
    return argv


def _platform(text: str) -> None:
    try:
        parse_spec(
            {
                "app": {"name": "x", "language": "go", "runtime_version": "1.0"},
                "deploy": {"platform": text.strip()},
            },
            "answer",
        )
    except UsageError as exc:
        raise ValueError(str(exc).removeprefix("answer: ")) from None


def _frontend_dir(text: str) -> None:
    if text.strip().lower() not in ("none", ""):
        _check_field("manifests", [text.strip()])


def _choice(options: list[str]) -> Check:
    def check(text: str) -> str:
        if text not in options:
            raise ValueError(f"choose one of {', '.join(options)}")
        return text

    return check


def _env_names(text: str) -> list[str]:
    names = words(text)
    _check_field("config", names)
    return names


def ask_questions(
    detected: Detected, ask: Ask, settings: dict[str, str], interactive: bool
) -> Answers:
    """The answers, asked in this order; ``settings`` (--set) replace the detected defaults."""
    facts = detected.facts

    def value(key: str, default: str) -> str:
        return settings.get(key, default)

    unknown = {u.key: u for u in facts.unknowns}
    if not interactive:
        for key, entry in unknown.items():
            if key not in settings:
                example = f", e.g. --set {key}='{entry.example}'" if entry.example else ""
                raise UsageError(
                    f"cannot tell {key} ({entry.why}): set it with --set {key}=...{example}, "
                    "or run `tailor init` without --yes to be asked"
                )
    app: dict[str, Any] = {"language": facts.language}
    app["name"] = ask(
        "Image name (a repository name)",
        value("app.name", detected.name),
        lambda t: _check_field("name", t),
    ).strip()
    app["version"] = ask(
        "Version (the deploy image's tag)",
        value("app.version", detected.version),
        lambda t: _check_field("version", t),
    ).strip()
    versions = detected.versions or [detected.runtime_version]
    app["runtime_version"] = ask(
        f"{facts.language} version (available: {', '.join(versions)})",
        value("app.runtime_version", detected.runtime_version),
        _choice(versions),
    ).strip()
    # A language that builds a package (Go's main package), found or to be chosen.
    if facts.main or "app.main" in facts.choices or "app.main" in unknown:
        options = facts.choices.get("app.main", [])
        check = _choice(options) if options else (lambda t: _check_field("main", t))
        title = languages.plugin(facts.language).data.layout.main_title
        app["main"] = ask(title, value("app.main", facts.main or "."), check)
    kinds = ["web", "cli", "static", "worker", "fastcgi"]
    app["kind"] = ask(
        "Kind (web serves HTTP, cli runs and exits, worker keeps running, static, fastcgi)",
        value("app.kind", facts.kind),
        _choice(kinds),
    )
    if app["kind"] == "static":
        app["start"] = []  # a static site has no command of its own: deploy serves its files
    else:
        default = facts.start
        chosen = str(app.get("main") or "")
        if chosen not in ("", ".") and (not default or chosen != facts.main):
            # The binary built from the chosen package or target (Go's ./cmd/api -> api).
            default = [chosen.rstrip("/").rsplit("/", 1)[-1]]
        start = value("app.start", shlex.join(default))
        app["start"] = _start(ask("Command that starts it", start, _start))
    if app["kind"] in ("web", "static", "fastcgi"):
        app["port"] = _port(ask("Port it listens on", value("app.port", str(detected.port)), _port))
    else:
        app["port"] = detected.port
    app["build"] = ask(
        "Build command (run once in the build stage; empty for none)",
        value("app.build", facts.build),
        lambda t: _check_field("build", t),
    ).strip()
    app["test"] = ask(
        "Test command (the ci image runs it; empty: a compile check)",
        value("app.test", facts.test),
        lambda t: _check_field("test", t),
    ).strip()
    app["package_manager"] = value("app.package_manager", facts.manager)
    app["config"] = _env_names(
        ask(
            "Configuration it reads from the environment (names)",
            value("app.config", " ".join(facts.config)),
            _env_names,
        )
    )
    app["manifests"] = facts.manifests
    if facts.workdir != ".":
        app["workdir"] = facts.workdir
    if facts.assets:
        app["assets"] = facts.assets
    if facts.cgo:
        app["cgo"] = True
    if facts.native:
        app["native"] = facts.native
    frontend: dict[str, Any] | None = None
    fe = facts.frontend
    fe_dir = ask(
        "Front end to build and include (folder, or 'none')",
        value("frontend.dir", fe.dir if fe else "none"),
        _frontend_dir,
    )
    if fe_dir.strip().lower() not in ("", "none"):
        frontend = {
            "dir": fe_dir.strip().rstrip("/"),
            "build": fe.build if fe else "build",
            "output": fe.output if fe else "dist",
            "manager": fe.manager if fe else "npm",
            "lockfile": fe.lockfile if fe else True,
            "node": fe.node if fe else "",
        }
    platform = ask(
        "Where is it deployed (kubernetes, cloud-run, ecs, compose, ...)",
        value("deploy.platform", "kubernetes"),
        _platform,
    )
    telemetry = ask(
        "Does that platform already collect metrics and logs? (y/n)",
        "y",
        _choice(["y", "n", "yes", "no"]),
    )
    deploy = {
        "platform": platform.strip(),
        "platform_collects_telemetry": telemetry.startswith("y"),
        "base": "distroless",
    }
    tools = _tool_answers(detected, ask, settings, app, frontend)
    return Answers(app, frontend, deploy, _generate_names(detected), tools)


def _tool_answers(
    detected: Detected,
    ask: Ask,
    settings: dict[str, str],
    app: dict[str, Any],
    frontend: dict[str, Any] | None,
) -> dict[str, list[str]]:
    probe = Spec.model_validate(
        {
            "app": {**app, "start": app["start"] or ["x"]},
            **({"frontend": frontend} if frontend else {}),
        }
    )
    defaults = {p: purpose_tools(probe, p) for p in ("ci", "local", "dev")}
    defaults["ci"] += [t for t in detected.facts.test_tools if t not in defaults["ci"]]
    questions = {
        "ci": "Tools the ci image needs besides the toolchain (recipe names)",
        "local": "Debugging tools for the local image",
        "dev": "Debugger and tools for the dev image",
    }
    out: dict[str, list[str]] = {}
    for purpose, question in questions.items():
        default = settings.get(f"purposes.{purpose}.tools", " ".join(defaults[purpose]) or "none")
        out[purpose] = _tools(ask(question, default, _tools))
    return out


def _generate_names(detected: Detected) -> dict[str, str]:
    """Our files' names beside the user's own (which are never overwritten)."""
    names: dict[str, str] = {}
    if "dockerfile" in detected.existing:
        names["dockerfile"] = "Dockerfile.tailor"
    if "compose" in detected.existing:
        names["compose"] = "compose.tailor.yaml"
    if "bake" in detected.existing:
        names["bake"] = "docker-bake.tailor.hcl"
    return names


def render_spec(answers: Answers) -> str:
    """A commented tailor.toml; it is validated before being returned."""
    a, t = answers.app, toml_value
    lines = [
        "# tailor.toml: what imagetailor needs to know to generate and build this app's images.",
        "# Written by `tailor init`; yours to edit. Then run `tailor generate` and `tailor build`.",
        "",
        "[app]",
        "# Image repository name; tags are NAME:VERSION (deploy) and NAME:VERSION-PURPOSE.",
        f"name = {t(a['name'])}",
        f"version = {t(a['version'])}",
        "# The language plug-in and its version (selects the base images).",
        f"language = {t(a['language'])}",
        f"runtime_version = {t(a['runtime_version'])}",
    ]
    if "main" in a:
        title = languages.plugin(str(a["language"])).data.layout.main_title
        lines += [f"# {title}.", f"main = {t(a['main'])}"]
    lines += [
        "# How it starts, as you would type it in this folder; deploy runs it without a shell",
        "# ($PORT and ${PORT:-8000} are expanded from the environment at run time).",
        f"start = {t(a['start'])}",
        "# web (serves HTTP), cli (runs and exits), worker (keeps running), static (built files),",
        "# fastcgi (PHP-FPM, served through nginx).",
        f"kind = {t(a['kind'])}",
        f"port = {t(a['port'])}",
        "# Run once in the build stage (empty: none), and by the ci image (its CMD).",
        f"build = {t(a['build'])}",
        f"test = {t(a['test'])}",
        f"package_manager = {t(a['package_manager'])}",
        "# Environment variables the app reads: names only, documented in the image's labels and",
        "# injected at run time (compose env_file, the platform), never given values in an image.",
        f"config = {t(a['config'])}",
        "# Copied and installed before any source, so a source change never re-runs them.",
        f"manifests = {t(a['manifests'])}",
    ]
    for key, why in (
        ("workdir", "The folder (a workspace) the start command runs in."),
        ("assets", "Folders read at run time, copied into deploy."),
        ("cgo", "cgo: the binary links glibc (deploy on distroless/base)."),
        ("native", "Dependencies with native addons (a compiler in deps only)."),
    ):
        if key in a:
            lines += [f"# {why}", f"{key} = {t(a[key])}"]
    if answers.frontend is not None:
        fe = answers.frontend
        lines += [
            "",
            "# A front end built in its own stage; its output is copied into the build.",
            "[frontend]",
        ]
        lines += [f"{k} = {t(v)}" for k, v in fe.items()]
    d = answers.deploy
    telemetry_note = (
        "# The platform collects metrics and logs: the deploy image carries no agent of its own."
        if d["platform_collects_telemetry"]
        else "# The platform does not collect metrics and logs: run a collector beside the app\n"
        "# (sidecar/daemon); the deploy image still carries no agent."
    )
    lines += [
        "",
        "[deploy]",
        f"platform = {t(d['platform'])}",
        telemetry_note,
        f"platform_collects_telemetry = {t(d['platform_collects_telemetry'])}",
        "# distroless (default) or scratch (Go only: a static binary and CA certificates).",
        f"base = {t(d['base'])}",
    ]
    if answers.generate:
        lines += [
            "",
            "# The project has its own build files: ours are written beside them.",
            "[generate]",
        ]
        lines += [f"{k} = {t(v)}" for k, v in answers.generate.items()]
    lines += [
        "",
        "# Tools per purpose, from the recipe catalogue (imagetailor/data/recipes.toml).",
        '# A project may add purposes: [purposes.NAME] extends = "local", tools = [...].',
    ]
    for purpose, why in (
        ("ci", ""),
        (
            "local",
            "# Copied onto the deploy payload with the libraries they link: no package manager.",
        ),
        ("dev", ""),
    ):
        lines += [
            "",
            f"[purposes.{purpose}]",
            *([why] if why else []),
            f"tools = {t(answers.tools.get(purpose, []))}",
        ]
    lines += [
        "",
        "# Base images: map upstream names to mirrors or stand-ins, e.g.",
        '# [bases."golang:1.24-trixie"]',
        '# image = "registry.example.com/golang:1.24"',
        '# family = "apt"          # apt | apk | none',
        "",
    ]
    text = "\n".join(lines)
    parse_spec(tomllib.loads(text), SPEC_FILE)
    return text
