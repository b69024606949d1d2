"""`tailor init`'s questions (each defaulting to the detected answer) and the commented
tailor.toml they produce."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagetailor.project.detect import Detected
from imagetailor.project.model import SPEC_FILE, parse_spec

# ask(question, default) -> answer text; `tailor init --yes` uses the default for everything.
Ask = Callable[[str, str], str]


@dataclass
class Answers:
    name: str
    language: str
    runtime_version: str
    version: str
    main: str
    port: int
    test: str
    config: list[str]
    manifests: list[str]
    frontend: dict[str, Any] | None
    platform: str = "kubernetes"
    platform_collects_telemetry: bool = True
    ci_tools: list[str] = field(default_factory=list)
    local_tools: list[str] = field(default_factory=list)
    dev_tools: list[str] = field(default_factory=list)


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


def _yes(text: str) -> bool:
    return text.strip().lower() in ("y", "yes", "true", "1")


def ask_questions(detected: Detected, ask: Ask, defaults: dict[str, list[str]]) -> Answers:
    """Ask each question with the detected answer as its default."""
    d = detected
    name = ask("Name of the application (image repository name)", d.name)
    runtime = ask("Runtime and version", f"{d.language} {d.runtime_version}")
    language, _, version = runtime.partition(" ")
    main_question = {
        "go": "Go package to build and start",
        "python": "Python script (or -m module) to start",
        "node": "Node script to start",
    }[language.strip() or d.language]
    main = ask(main_question, d.main)
    port = ask("Port the app listens on", str(d.port))
    test = ask("Test command (run by the ci image)", d.test)
    has_fe = d.frontend is not None
    frontend: dict[str, Any] | None = None
    fe_answer = ask(
        "Front end to compile and embed (folder, or 'none')",
        d.frontend.dir if d.frontend else "none",
    )
    if fe_answer.strip().lower() not in ("", "none", "no"):
        frontend = {
            "dir": fe_answer.strip().rstrip("/"),
            "build": d.frontend.build if has_fe and d.frontend else "build",
            "output": d.frontend.output if has_fe and d.frontend else "dist",
            "lockfile": d.frontend.lockfile if has_fe and d.frontend else True,
        }
    platform = ask("Where is it deployed (kubernetes, cloud-run, ecs, compose, ...)", "kubernetes")
    telemetry = ask("Does that platform already collect metrics and logs? (y/n)", "y")
    ci_tools = ask(
        "What the CI image needs besides the toolchain (tools from the recipe catalogue)",
        " ".join(defaults["ci"]) or "none",
    )
    local_tools = ask("Debugging tools for the local image", " ".join(defaults["local"]))
    dev_tools = ask("Debugger and tools for the dev image", " ".join(defaults["dev"]))
    config = ask(
        "Configuration the app reads from the environment (names only)", " ".join(d.config)
    )

    def tools(text: str) -> list[str]:
        return [] if text.strip().lower() == "none" else _words(text)

    return Answers(
        name=name.strip(),
        language=language.strip(),
        runtime_version=version.strip(),
        version=d.version,
        main=main.strip(),
        port=int(port) if port.strip().isdigit() else -1,
        test=test.strip(),
        config=_words(config),
        manifests=d.manifests,
        frontend=frontend,
        platform=platform.strip() or "kubernetes",
        platform_collects_telemetry=_yes(telemetry),
        ci_tools=tools(ci_tools),
        local_tools=tools(local_tools),
        dev_tools=tools(dev_tools),
    )


def _toml(value: object) -> str:
    """A TOML value: strings and lists of strings via JSON (a TOML subset), bools, ints."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


def render_spec(answers: Answers) -> str:
    """A commented tailor.toml; it is validated before being returned."""
    a = answers
    lines = [
        "# tailor.toml: what imagetailor needs to know to generate and build this app's images.",
        "# Written by `tailor init`; yours to edit. Then run `tailor generate` and `tailor build`.",
        "",
        "[app]",
        "# Image repository name; tags are NAME:VERSION (deploy) and NAME:VERSION-PURPOSE.",
        f"name = {_toml(a.name)}",
        f"version = {_toml(a.version)}",
        "# go | python | node, and the toolchain version (selects the base images).",
        f"language = {_toml(a.language)}",
        f"runtime_version = {_toml(a.runtime_version)}",
        "# What is built and started: Go package, Python script or '-m module', Node script.",
        f"main = {_toml(a.main)}",
        f"port = {_toml(a.port)}",
        "# Run by the ci image (its CMD).",
        f"test = {_toml(a.test)}",
        "# Environment variables the app reads: names only, documented in the image's labels and",
        "# injected at run time (compose env_file, the platform), never given values in an image.",
        f"config = {_toml(a.config)}",
        "# Copied and installed before any source, so a source change never re-runs them.",
        f"manifests = {_toml(a.manifests)}",
    ]
    if a.frontend is not None:
        lines += [
            "",
            "# A front end compiled by npm in its own stage; its output is copied into the build.",
            "[frontend]",
            f"dir = {_toml(a.frontend['dir'])}",
            "# npm script that builds it, and the folder (inside dir) it writes.",
            f"build = {_toml(a.frontend['build'])}",
            f"output = {_toml(a.frontend['output'])}",
            f"lockfile = {_toml(a.frontend['lockfile'])}",
        ]
    telemetry_note = (
        "# The platform collects metrics and logs: the deploy image carries no agent of its own."
        if a.platform_collects_telemetry
        else "# The platform does not collect metrics and logs: run a collector beside the app\n"
        "# (sidecar/daemon); the deploy image still carries no agent."
    )
    lines += [
        "",
        "[deploy]",
        f"platform = {_toml(a.platform)}",
        telemetry_note,
        f"platform_collects_telemetry = {_toml(a.platform_collects_telemetry)}",
        "# distroless (default) or scratch (Go only: a static binary and CA certificates).",
        'base = "distroless"',
        "",
        "# Tools per purpose, from the recipe catalogue (imagetailor/data/recipes.toml).",
        '# A project may add purposes: [purposes.NAME] extends = "local", tools = [...].',
        "[purposes.ci]",
        f"tools = {_toml(a.ci_tools)}",
        "",
        "[purposes.local]",
        "# Copied onto the deploy payload with the libraries they link: no package manager.",
        f"tools = {_toml(a.local_tools)}",
        "",
        "[purposes.dev]",
        f"tools = {_toml(a.dev_tools)}",
        "",
        "# Base images: map upstream names to mirrors or stand-ins, e.g.",
        '# [bases."golang:1.19-bookworm"]',
        '# image = "registry.example.com/golang:1.19"',
        '# family = "apt"          # apt | apk | none',
        "",
    ]
    text = "\n".join(lines)
    parse_spec(tomllib.loads(text), SPEC_FILE)
    return text
