"""Node hooks: the package manager from packageManager and the lock files (npm, Yarn 1, Yarn 2+,
pnpm, none), workspaces, the version from .nvmrc/.node-version/volta/engines, the start command
resolved from package.json, static single-page apps and native addons; plan production
dependencies for deploy, every dependency for building, ci and dev."""

from __future__ import annotations

import re
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.generate.plan import Copy, Plan, PlanContext, Run, manager_runs, test_argv
from imagetailor.generate.quoting import shell_word
from imagetailor.languages import nextjs, nodestart
from imagetailor.languages.facts import Constraint, Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.pystart import default_port
from imagetailor.languages.shellcmd import render_word


def _serves(files: ProjectFiles, language: Language, manifest: dict[str, Any]) -> bool:
    """A web server: a server package among the dependencies, or a source importing one (the
    list is data: node.toml's extra.servers)."""
    servers = [str(s) for s in language.extra.get("servers", [])]
    if set(servers) & nodestart.dependencies(manifest, "dependencies"):
        return True
    names = "|".join(re.escape(s) for s in servers)
    pattern = re.compile(rf"\b(?:require\(|from\s+)['\"](?:{names})['\"]|createServer\(")
    skip = frozenset(language.conventions.skip_dirs)
    sources = list(files.walk(tuple(language.conventions.sources), skip))
    return any(pattern.search(files.text(p) or "") for p in sources[:400])


def _manager(files: ProjectFiles, manifest: dict[str, Any]) -> str:
    declared = manifest.get("packageManager")
    if isinstance(declared, str):
        tool, _, version = declared.partition("@")
        if tool == "pnpm":
            return "pnpm"
        if tool == "yarn":
            return "yarn" if version.startswith("1.") else "yarn-berry"
        if tool == "npm":
            return "npm" if files.exists("package-lock.json") else "npm-unlocked"
    if files.exists("pnpm-lock.yaml"):
        return "pnpm"
    if files.exists("yarn.lock"):
        berry = files.exists(".yarnrc.yml") or "__metadata:" in (files.text("yarn.lock") or "")
        return "yarn-berry" if berry else "yarn"
    if files.exists("package-lock.json") or files.exists("npm-shrinkwrap.json"):
        return "npm"
    return "npm-unlocked" if nodestart.dependencies(manifest) else "none"


def _workspaces(files: ProjectFiles, manifest: dict[str, Any]) -> list[str]:
    """Workspace folders holding a package.json (npm/yarn "workspaces", pnpm-workspace.yaml)."""
    patterns: list[str] = []
    declared = manifest.get("workspaces")
    if isinstance(declared, dict):
        declared = declared.get("packages")
    if isinstance(declared, list):
        patterns += [p for p in declared if isinstance(p, str)]
    for line in files.lines("pnpm-workspace.yaml"):
        match = re.match(r"^\s*-\s*['\"]?([^'\"#]+?)['\"]?\s*$", line)
        if match:
            patterns.append(match.group(1))
    found: list[str] = []
    for pattern in patterns:
        pattern = pattern.rstrip("/").removeprefix("./")
        if pattern.startswith("!") or pattern.count("/") > 1 or "**" in pattern:
            continue
        for path in files.glob(
            f"{pattern}/package.json" if "*" in pattern else pattern + "/package.json"
        ):
            found.append(path.rpartition("/")[0])
    return sorted(set(found))


def _workspace_scripts(
    files: ProjectFiles, manifest: dict[str, Any]
) -> dict[str, tuple[str, dict[str, str]]]:
    """Workspace package name -> (its folder, its scripts)."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for folder in _workspaces(files, manifest):
        package = files.json(f"{folder}/package.json") or {}
        name = package.get("name")
        if isinstance(name, str):
            found[name] = (folder, nodestart.scripts_of(package))
    return found


def _constraint(files: ProjectFiles, manifest: dict[str, Any]) -> Constraint | None:
    for name in (".nvmrc", ".node-version"):
        first = next(iter(files.lines(name)), "").strip()
        if first:
            return Constraint("npm", first, name)
    volta = manifest.get("volta")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str):
        return Constraint("npm", volta["node"], "package.json volta.node")
    engines = manifest.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str):
        return Constraint("npm", engines["node"], "package.json engines.node")
    return None


def detect(files: ProjectFiles, language: Language) -> Facts:
    manifest = files.json("package.json") or {}
    name = _manager(files, manifest)
    manager = language.manager(name)
    facts = Facts("node", name, _constraint(files, manifest) or Constraint("any"))
    facts.name = str(manifest.get("name") or "")
    facts.version = str(manifest.get("version") or "")
    present = files.any([m for m in manager.manifests if "*" not in m.rpartition("/")[0]])
    present += [p for m in manager.manifests if "*" in m for p in files.glob(m)]
    for workspace in _workspaces(files, manifest):
        present += [f"{workspace}/package.json"]
    facts.manifests = list(dict.fromkeys(present))
    facts.note(f"dependencies: {manager.title}")
    if manager.note:
        facts.note(manager.note)
    scripts = nodestart.scripts_of(manifest)
    if "build" in scripts:
        facts.build = manager.run_script.replace("{script}", "build")
    test = scripts.get("test", "")
    if test and nodestart.PLACEHOLDER_TEST not in test:
        facts.test = manager.test
    nodestart.start_command(files, language, manifest, facts, _workspace_scripts(files, manifest))
    nextjs.detect(files, language, manifest, facts)
    serves = _serves(files, language, manifest)
    if not nodestart.static_site(files, language, manifest, facts, serves):
        facts.kind = "web" if serves else "cli"
        nodestart.require_start(facts)
    native = [str(n) for n in language.extra.get("native", [])]
    facts.native = sorted(set(native) & nodestart.dependencies(manifest, "dependencies"))
    if facts.native:
        facts.note(f"native addons: {', '.join(facts.native)} (compiled in deps, libraries copied)")
    return facts


def _entry(ctx: PlanContext, workdir: str) -> tuple[list[str], str]:
    """(arguments after node, the entry script) for the start command."""
    start = ctx.spec.app.start
    if not start or start[0].rsplit("/", 1)[-1] != "node":
        raise UsageError(
            f"tailor.toml: app.start: {' '.join(start)[:80]!r} does not run node: deploy has no "
            "npm or shell; fix: start = ['node', 'server.js'] (what scripts.start runs)"
        )
    args = list(start[1:])
    for index, word in enumerate(args):
        if not word.startswith("-"):
            script = word.removeprefix("./")
            args[index] = f"{workdir}/{script}" if workdir != "." else script
            return args, script
        if word in ("-r", "--require", "--import", "--loader"):
            continue
    raise UsageError(
        "tailor.toml: app.start: name the script node runs, e.g. ['node', 'server.js']"
    )


def _pin_manager(ctx: PlanContext, name: str) -> list[str]:
    """Without package.json's packageManager, corepack takes the newest pnpm, which may not read
    the lock (or run under this corepack): the major that writes the lock's version instead."""
    files = ProjectFiles(ctx.project)
    manifest = files.json("package.json") or {}
    if name != "pnpm" or manifest.get("packageManager"):
        return []
    match = re.search(r"^lockfileVersion:\s*'?([\d.]+)", files.text("pnpm-lock.yaml") or "", re.M)
    majors = ctx.language.extra.get("pnpm_for_lockfile", {})
    major = majors.get(match.group(1)) if match else None
    return [f"corepack prepare pnpm@{int(major)} --activate"] if major else []


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    name = app.package_manager or language.default_manager
    manager = language.manager(name)
    interpreter = language.layout.interpreter
    installs = bool(manager.install_all)
    p = Plan(
        workdir="/app",
        toolchain_note="Node.js with its package manager (deps, ci, dev).",
        deploy_note=f"deploy runtime: distroless Node.js {ctx.version} (no shell, no npm).",
    )
    p.manifests = list(app.manifests) or ["package.json"]
    p.deps_setup = manager_runs(
        manager, [*manager.setup, *_pin_manager(ctx, name)], {}, cache=False
    )
    p.deps_all = manager_runs(manager, manager.install_all, {}, ("Every dependency.",))
    p.deps_prod = (
        manager_runs(manager, manager.install_prod, {}, ("Runtime only.",)) if installs else None
    )
    if app.build:
        p.build.append(Run((app.build,), (), ("The project's build script.",)))
    p.ci_build = bool(app.build)
    p.frontend_into = f"{spec.frontend.dir}/{spec.frontend.output}" if spec.frontend else ""
    if app.native and installs:
        p.native_build_packages = [str(x) for x in language.extra.get("native_build_packages", [])]
    if installs:
        p.native_dirs = ["/app/node_modules"]
    if app.kind == "static":
        output = app.assets[0] if app.assets else "dist"
        p.deploy_copies = [Copy(f"/app/{output}", f"/app/{output}", "build")]
        code = nodestart.launcher("static-server.js").replace("__PORT__", str(app.port))
        p.entrypoint = [interpreter, "-e", code, f"/app/{output}"]
        p.entrypoint_note = (
            "A minimal static file server (index.html for unknown routes),",
            "inlined so deploy needs nothing but node.",
        )
        p.native_dirs = []
        main = "/dev/null"
    else:
        # Build output is kept, dependency trees are not: deploy takes deps-prod's.
        p.build_cleanup.append(
            Run(
                ("find . -name node_modules -prune -exec rm -rf {} +",),
                (),
                ("deploy takes the production node_modules from deps-prod.",),
            )
        )
        p.deploy_copies = [Copy("/app", "/app", "build")]
        if installs:
            p.deploy_copies.append(Copy("/app", "/app", "deps-prod"))
        workdir = "/app" if app.workdir == "." else f"/app/{app.workdir}"
        p.deploy_workdir = workdir
        args, main = _entry(ctx, workdir)
        args = default_port(args, app.port)
        if any("$" in a for a in args):
            p.entrypoint = [interpreter, "-e", nodestart.launcher("launch.js"), *args]
            p.entrypoint_note = (
                "The one-line launcher expands ${PORT:-...} in the arguments",
                "(no shell in deploy), then runs the script as the main module.",
            )
        else:
            p.entrypoint = [interpreter, *args]
    p.deploy_env = {"NODE_ENV": "production"}
    nextjs.plan(p, ctx)
    p.ci_cmd = test_argv(app.test or language.no_tests.replace("{main}", shell_word(main)))
    p.dev_cmd = _dev(ctx, manager.run_script)
    p.dev_ports = [language.layout.debug_port]
    return p


def _dev(ctx: PlanContext, run_script: str) -> list[str]:
    """dev: the project's own `dev` script when it has one, else node --inspect on the start."""
    manifest = ProjectFiles(ctx.project).json("package.json") or {}
    if "dev" in nodestart.scripts_of(manifest):
        return ["/bin/sh", "-c", "exec " + run_script.replace("{script}", "dev")]
    if ctx.spec.app.kind == "static":
        return ["/bin/sh", "-c", "exec " + run_script.replace("{script}", "build")]
    args, _ = _entry(ctx, ".")
    port = ctx.language.layout.debug_port
    words = ["node", f"--inspect=0.0.0.0:{port}", *args]
    move = f"cd {shell_word(ctx.spec.app.workdir)} && " if ctx.spec.app.workdir != "." else ""
    return ["/bin/sh", "-c", move + "exec " + " ".join(render_word(w) for w in words)]
