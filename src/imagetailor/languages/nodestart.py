"""How a Node app starts: package.json's scripts resolved to the node command they run (so deploy
needs no npm), its main file, or a static site's build output; and the one-line launchers
(``launchers/*.js``) that deploy uses where there is no shell."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from imagetailor.languages.facts import Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.shellcmd import Command, commands

PLACEHOLDER_TEST = "no test specified"
_RUNNERS = {"npm", "yarn", "pnpm", "npx", "corepack"}
_ENTRY_FILES = (
    "server.js",
    "index.js",
    "app.js",
    "main.js",
    "src/server.js",
    "src/index.js",
    "src/app.js",
    "server.mjs",
    "index.mjs",
    "app.mjs",
    "src/index.mjs",
)


@cache
def launcher(name: str) -> str:
    """A launcher's source as one line: comments dropped, lines joined (each statement in the
    file ends with its own semicolon, so joining keeps it valid)."""
    text = resources.files(__package__).joinpath("launchers", name).read_text("utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "".join(line.strip() for line in text.splitlines())


def scripts_of(manifest: dict[str, Any]) -> dict[str, str]:
    scripts = manifest.get("scripts")
    if not isinstance(scripts, dict):
        return {}
    return {str(k): v for k, v in scripts.items() if isinstance(v, str)}


def dependencies(manifest: dict[str, Any], *tables: str) -> set[str]:
    found: set[str] = set()
    for table in tables or ("dependencies", "devDependencies", "optionalDependencies"):
        value = manifest.get(table)
        if isinstance(value, dict):
            found |= {str(k) for k in value}
    return found


def _script_call(command: Command) -> str | None:
    """`npm run X`, `npm start`, `yarn X`, `pnpm run X` -> X (the script it calls)."""
    words = command.words
    if not words or words[0] not in _RUNNERS:
        return None
    rest = [w for w in words[1:] if not w.startswith("-")]
    if rest[:1] in (["run"], ["run-script"]) and len(rest) > 1:
        return rest[1]
    if rest[:1] in (["start"], ["test"]):
        return rest[0]
    if words[0] in ("yarn", "pnpm") and rest:
        return rest[0]
    return None


@dataclass(frozen=True)
class Resolved:
    command: Command
    folder: str  # the workspace folder it runs in ("" for the project root)


def _workspace_call(command: Command) -> tuple[str, str] | None:
    """`pnpm --filter X start`, `npm run start --workspace=X`, `yarn workspace X start`:
    (workspace package name, script)."""
    words = command.words
    if not words or words[0] not in _RUNNERS:
        return None
    target = ""
    rest: list[str] = []
    index = 1
    while index < len(words):
        word = words[index]
        for flag in ("--filter", "-F", "--workspace", "-w"):
            if word == flag and index + 1 < len(words):
                target, index = words[index + 1], index + 2
                break
            if word.startswith(flag + "="):
                target, index = word.split("=", 1)[1], index + 1
                break
        else:
            if not word.startswith("-"):
                rest.append(word)
            index += 1
    if words[0] == "yarn" and rest[:1] == ["workspace"] and len(rest) >= 3:
        return rest[1], rest[2] if rest[2] != "run" else (rest[3] if len(rest) > 3 else "")
    if not target:
        return None
    script = rest[1] if rest[:1] in (["run"], ["run-script"]) and len(rest) > 1 else rest[0]
    return (target, script) if rest else None


def resolve(
    scripts: dict[str, str],
    name: str,
    workspaces: dict[str, tuple[str, dict[str, str]]] | None = None,
    folder: str = "",
    depth: int = 0,
) -> list[Resolved]:
    """The commands a script runs, with calls to other scripts (of this package or of a
    workspace package: name -> (folder, scripts)) expanded, bounded."""
    if depth > 5 or name not in scripts:
        return []
    out: list[Resolved] = []
    for command in commands(scripts[name]):
        delegated = _workspace_call(command)
        if delegated is not None and workspaces and delegated[0] in workspaces:
            where, theirs = workspaces[delegated[0]]
            out += resolve(theirs, delegated[1], workspaces, where, depth + 1)
            continue
        called = _script_call(command)
        if called:
            out += resolve(scripts, called, workspaces, folder, depth + 1)
        else:
            out.append(Resolved(command, folder))
    return out


def start_command(
    files: ProjectFiles,
    language: Language,
    manifest: dict[str, Any],
    facts: Facts,
    workspaces: dict[str, tuple[str, dict[str, str]]],
) -> None:
    scripts = scripts_of(manifest)
    dev_servers = [str(s) for s in language.extra.get("dev_servers", [])]
    bins = language.extra.get("bins", {})
    # NestJS and many starters keep `start` for ts-node and `start:prod` for the built entry.
    chosen = "start:prod" if "start:prod" in scripts else "start"
    resolved = resolve(scripts, chosen, workspaces)
    for found in reversed(resolved):
        command = found.command
        if found.folder:
            facts.workdir = found.folder
            facts.note(f"scripts.start runs in the workspace {found.folder}")
        program = command.words[0].rsplit("/", 1)[-1]
        line = " ".join(command.words)
        if any(line == d or line.startswith(d + " ") for d in dev_servers):
            facts.note(f"scripts.start runs a development server ({line})")
            break
        if program == "node":
            facts.start = _without_env_file(command.words, facts)
            facts.start_source = f"package.json scripts.{chosen}"
            port = command.env.get("PORT", "")
            if port.isdigit() and 0 < int(port) < 65536:
                facts.port, facts.port_source = int(port), "scripts.start (PORT=...)"
            return
        if program in ("ts-node", "tsx"):
            facts.note(f"scripts.{chosen} runs TypeScript through {program}: deploy runs the build")
            break
        if isinstance(bins, dict) and program in bins:
            facts.start = ["node", str(bins[program]), *command.words[1:]]
            facts.start_source = f"package.json scripts.{chosen} ({program})"
            return
        if program in dependencies(manifest) or files.exists(f"node_modules/.bin/{program}"):
            facts.start = ["node", f"node_modules/.bin/{program}", *command.words[1:]]
            facts.start_source = f"package.json scripts.{chosen} ({program})"
            return
    main = manifest.get("main")
    if isinstance(main, str) and files.exists(main.removeprefix("./")):
        facts.start, facts.start_source = ["node", main.removeprefix("./")], "package.json main"
        return
    # A command-line package: its `bin` (one, or the one named like the package).
    declared = manifest.get("bin")
    if isinstance(declared, str):
        declared = {str(manifest.get("name", "")): declared}
    if isinstance(declared, dict) and declared:
        name = str(manifest.get("name", "")).rsplit("/", 1)[-1]
        target = declared.get(name) or next(iter(declared.values()))
        if isinstance(target, str) and files.exists(target.removeprefix("./")):
            facts.start, facts.start_source = (
                ["node", target.removeprefix("./")],
                "package.json bin",
            )
            facts.kind = "cli"
            return
    for name in _ENTRY_FILES:
        if files.exists(name):
            facts.start, facts.start_source = ["node", name], f"{name} (no start script)"
            return


def _without_env_file(words: list[str], facts: Facts) -> list[str]:
    """Drop node's `--env-file=F`: the deploy image takes its configuration from the environment
    at run time (the file is not in the image, and node stops when it is missing)."""
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        flag = word.split("=", 1)[0]
        if flag in ("--env-file", "--env-file-if-exists"):
            facts.note(f"start drops {word}: configuration comes from the environment at run time")
            skip = "=" not in word
            continue
        out.append(word)
    return out


def static_site(
    files: ProjectFiles, language: Language, manifest: dict[str, Any], facts: Facts, serves: bool
) -> bool:
    """A single-page app: a bundler builds it, and nothing in it is a server."""
    builders = [str(b) for b in language.extra.get("static_builders", [])]
    deps = dependencies(manifest)
    used = [b for b in builders if b in deps]
    if not used or "build" not in scripts_of(manifest) or serves or facts.start[:1] == ["node"]:
        return False
    outputs = language.extra.get("static_output", {})
    output = str(outputs.get(used[0], "dist")) if isinstance(outputs, dict) else "dist"
    for config in ("vite.config.js", "vite.config.ts", "vite.config.mjs", "angular.json"):
        match = re.search(
            r"outDir\s*:\s*['\"]([\w./-]+)['\"]|\"outputPath\"\s*:\s*\"([\w./-]+)\"",
            files.text(config) or "",
        )
        if match:
            output = (match.group(1) or match.group(2)).strip("./") or output
    match = re.search(r"--out-?dir[ =]+([\w./-]+)", scripts_of(manifest)["build"])
    if match:
        output = match.group(1).strip("./")
    facts.kind, facts.assets = "static", [output]
    facts.start, facts.start_source = [], f"static site built by {used[0]}"
    facts.port = 8080
    facts.note(f"a static site ({used[0]}): deploy serves {output}/ with a minimal server")
    return True


def require_start(facts: Facts) -> None:
    if not facts.start:
        facts.unknowns.append(
            Unknown(
                "app.start",
                "no scripts.start running node, no main file, no server.js/index.js",
                "node server.js",
            )
        )
