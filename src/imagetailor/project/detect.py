"""Detect what a project is from its own files: the language plug-in that recognises it, then
the conventions every language shares, then the runtime version to build with.

Every answer is a proposal for `tailor init`; nothing here runs project code. Where detection
cannot know, the result carries an ``Unknown`` naming the tailor.toml key to set.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

from imagetailor import languages
from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError
from imagetailor.languages.facts import Constraint, Facts, Frontend, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.scan import scan_sources
from imagetailor.languages.upstream import available
from imagetailor.languages.versions import NoVersion, choose
from imagetailor.project import conventions
from imagetailor.project.bases import BaseMap

FRONTEND_DIRS = ("web", "frontend", "ui", "client", "webapp", "app", "assets")
ECOSYSTEMS_ENV = "TAILOR_ECOSYSTEMS"


@dataclass
class Detected:
    facts: Facts
    name: str
    version: str
    runtime_version: str
    port: int
    existing: dict[str, str] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)  # what could be chosen

    @property
    def language(self) -> str:
        return self.facts.language


def choose_language(files: ProjectFiles) -> languages.Plugin:
    for plugin in languages.plugins().values():
        if files.any(plugin.data.signals):
            return plugin
    for plugin in languages.plugins().values():
        if files.any(plugin.data.weak_signals):
            return plugin
    unsupported = load_catalogue("ecosystems.toml", ECOSYSTEMS_ENV).get("unsupported", {})
    supported = ", ".join(sorted(p.data.title for p in languages.plugins().values()))
    for pattern, title in unsupported.items():
        if any(fnmatch.fnmatch(n, pattern) for n in files.root_names):
            raise UsageError(
                f"{files.root} looks like a {title} project ({pattern}): imagetailor builds "
                f"{supported} projects"
            )
    signals = ", ".join(s for p in languages.plugins().values() for s in p.data.signals[:2])
    raise UsageError(
        f"no project found in {files.root}: none of {signals} is there "
        f"(imagetailor builds {supported} projects)"
    )


def _runtime(
    plugin: languages.Plugin, constraint: Constraint, bases: BaseMap, facts: Facts
) -> tuple[str, list[str]]:
    data = plugin.data
    offered = available(data, bases)
    try:
        version = choose(constraint, offered)
    except NoVersion as exc:
        where = f" in the base map ({bases.source})" if bases.entries else ""
        facts.unknowns.append(
            Unknown(
                "app.runtime_version", f"{data.title}{where}: {exc}", offered[0] if offered else ""
            )
        )
        return (offered[0] if offered else ""), offered
    if constraint.kind != "any":
        facts.note(
            f"{data.title} {version}: the newest available that {constraint.text!r} "
            f"({constraint.source}) allows"
        )
    else:
        facts.note(f"{data.title} {version}: the project names no version; the newest available")
    return version, offered


def _frontend(files: ProjectFiles, bases: BaseMap) -> Frontend | None:
    from imagetailor.languages import node, nodestart

    node_data = languages.plugin("node").data
    for directory in FRONTEND_DIRS:
        manifest = files.json(f"{directory}/package.json")
        if manifest is None or "build" not in nodestart.scripts_of(manifest):
            continue
        sub = ProjectFiles(files.root / directory)
        manager = node._manager(sub, manifest)  # the same rules as a Node app's own
        script = nodestart.scripts_of(manifest)["build"]
        output = "build" if "react-scripts" in script else "dist"
        for word in script.split():
            if word.startswith(("--outDir=", "--out-dir=")):
                output = word.split("=", 1)[1].strip("./") or output
        lock = node_data.manager(manager).lock
        version = ""
        constraint = node._constraint(sub, manifest)
        try:
            version = choose(constraint or Constraint("any"), available(node_data, bases))
        except NoVersion:
            version = ""
        return Frontend(
            dir=directory,
            output=output,
            manager=manager,
            lockfile=bool(lock) and sub.exists(lock[0]),
            node=version,
        )
    return None


def detect(root: Path, bases: BaseMap | None = None) -> Detected:
    """Detect the project in ``root``; a UsageError when no supported language is there."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    bases = bases or BaseMap()
    files = ProjectFiles(root)
    plugin = choose_language(files)
    facts = plugin.hooks.detect(files, plugin.data)
    conventions.procfile(files, facts)
    hints = scan_sources(files, plugin.data.conventions)
    facts.config = list(
        dict.fromkeys([*facts.config, *hints.config, *conventions.env_example(files)])
    )
    port = facts.port or hints.port
    if port is None and facts.start_source.startswith("Procfile") and "PORT" in facts.config:
        port = conventions.HEROKU_PORT
        facts.note(f"port {port}: the app reads PORT and runs from a Procfile (Heroku's default)")
    if port is None:
        port = plugin.data.conventions.default_port
        if facts.kind == "web":
            facts.note(f"no port found in the source: assuming {port}")
    elif hints.port and not facts.port:
        facts.note(f"port {port} found in {hints.port_source}")
    if facts.runtime.kind == "any":
        facts.runtime = conventions.dockerfile_version(files, plugin.data) or facts.runtime
    name, source = conventions.project_name(facts.name, root)
    facts.note(f"name {name!r} from {source}")
    version, offered = _runtime(plugin, facts.runtime, bases, facts)
    detected = Detected(
        facts=facts,
        name=name,
        version=facts.version if _is_tag(facts.version) else "0.1.0",
        runtime_version=version,
        port=port,
        existing=conventions.existing_files(files),
        versions=offered,
    )
    if plugin.name != "node" and facts.kind != "static":
        facts.frontend = _frontend(files, bases)
        if facts.frontend is not None:
            fe = facts.frontend
            facts.note(f"front end in {fe.dir}/ ({fe.manager} run {fe.build} -> {fe.output}/)")
    return detected


def _is_tag(value: str) -> bool:
    import re

    return bool(re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,95}$", value))
