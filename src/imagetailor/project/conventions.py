"""Conventions every language shares: a Procfile's web process is the start command,
.env.example names the configuration, the image name comes from the manifest or the folder, and
the project's own Dockerfile, .dockerignore and compose file are kept (ours get other names)."""

from __future__ import annotations

import re
from pathlib import Path

from imagetailor.languages.facts import Constraint, Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.shellcmd import commands

HEROKU_PORT = 5000
_PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
ENV_EXAMPLES = (
    ".flaskenv",
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    "example.env",
    "env.example",
    ".env.defaults",
)
# The user's files we never overwrite, and the names ours take beside them. A Dockerfile-specific
# ignore file (NAME.dockerignore) is what BuildKit reads for that Dockerfile.
USER_DOCKERFILES = ("Dockerfile", "dockerfile", "Containerfile")
USER_COMPOSE = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
USER_BAKE = ("docker-bake.hcl", "docker-bake.json")


def procfile(files: ProjectFiles, facts: Facts) -> None:
    """Heroku's Procfile: the `web` process (or the only one) is how the app starts."""
    processes: dict[str, str] = {}
    for line in files.lines("Procfile"):
        match = _PROCFILE_LINE.match(line.strip())
        if match and not line.lstrip().startswith("#"):
            processes[match.group(1)] = match.group(2).strip()
    if not processes:
        return
    chosen = "web" if "web" in processes else (next(iter(processes)) if len(processes) == 1 else "")
    if not chosen:
        facts.note(f"Procfile has {', '.join(processes)} but no web process: not used")
        return
    found = commands(processes[chosen])
    if not found:
        facts.note(f"Procfile {chosen}: cannot read {processes[chosen][:60]!r}")
        return
    # `release:`-style chains (migrate && gunicorn): the long-running command is the last one.
    command = found[-1]
    facts.start, facts.start_source = command.words, f"Procfile {chosen}"
    facts.note(f"start from Procfile {chosen}: {' '.join(command.words)}")
    if chosen == "web":
        facts.kind = "web"
    if re.search(r"\$\{?PORT\b", processes[chosen]):
        # The platform gives the port; `heroku local` and the Procfile convention default to 5000.
        if "PORT" not in facts.config:
            facts.config.append("PORT")
        if not re.search(r"PORT:-\d+", processes[chosen]):
            facts.port, facts.port_source = HEROKU_PORT, "the Procfile convention ($PORT)"
    _go_binary(facts)
    # What the Procfile settled is no longer unknown.
    facts.unknowns = [u for u in facts.unknowns if u.key != "app.start"]
    # The image runs one process: name each other one with its command, so it can be run.
    if "release" in processes and chosen != "release":
        facts.note(
            f"Procfile release ({processes['release'][:80]}): deploy does not run it; run it "
            "once per release (a job or init container) with the deploy image"
        )
    for other in [p for p in processes if p not in (chosen, "release")]:
        facts.note(
            f"Procfile {other} ({processes[other][:80]}): deploy runs {chosen} only; run {other} "
            "as its own deployment of the image, with that command"
        )


def _go_binary(facts: Facts) -> None:
    """The Procfile names the binary (Go's bin/web): of several commands, the one of that name
    is the one to build."""
    if not facts.start:
        return
    wanted = facts.start[0].rsplit("/", 1)[-1]
    matching = [c for c in facts.choices.get("app.main", []) if c.rsplit("/", 1)[-1] == wanted]
    if matching:
        facts.main = matching[0]
        facts.unknowns = [u for u in facts.unknowns if u.key != "app.main"]
        facts.note(f"the Procfile runs {wanted}: building {facts.main}")


def dockerfile_version(files: ProjectFiles, language: Language) -> Constraint | None:
    """The version in the project's own Dockerfile (FROM python:3.11-slim), when nothing else
    names one: the image the project already runs on."""
    names = "|".join(re.escape(n) for n in language.image_names)
    if not names:
        return None
    pattern = re.compile(
        rf"^\s*FROM\s+(?:--\S+\s+)*(?:docker\.io/)?(?:library/)?(?:{names}):v?(\d+(?:\.\d+)?)",
        re.I | re.M,
    )
    for name in USER_DOCKERFILES:
        match = pattern.search(files.text(name) or "")
        if match:
            version = match.group(1)
            text = {"pep440": f"=={version}.*", "npm": f"{version.split('.')[0]}.x"}.get(
                language.image_constraint, version
            )
            return Constraint(language.image_constraint, text, f"{name} (FROM)")
    return None


def env_example(files: ProjectFiles) -> list[str]:
    names: list[str] = []
    for name in ENV_EXAMPLES:
        for line in files.lines(name):
            match = _ENV_LINE.match(line)
            if match and not line.lstrip().startswith("#") and match.group(1) not in names:
                names.append(match.group(1))
    return names


def image_name(raw: str) -> str:
    """A project name made fit for an image repository name ('' when nothing is left)."""
    name = raw.strip().lower().removeprefix("@").replace("/", "-")
    name = re.sub(r"[^a-z0-9._-]+", "-", name)
    name = re.sub(r"[._-]{2,}", "-", name).strip("._-")
    return name[:128].strip("._-")


def project_name(manifest_name: str, root: Path) -> tuple[str, str]:
    """(name, where it came from): the manifest's, else the folder's; never a bare 'app', which
    would make two projects on one engine overwrite each other's images."""
    for candidate, source in ((manifest_name, "the manifest"), (root.resolve().name, "the folder")):
        name = image_name(candidate)
        if name and name != "app":
            return name, source
    parent = image_name(root.resolve().parent.name)
    folder = image_name(root.resolve().name) or "app"
    return (f"{parent}-{folder}" if parent else f"{folder}-image"), "the folder and its parent"


def existing_files(files: ProjectFiles) -> dict[str, str]:
    """The user's own build files, by kind (dockerfile, ignore, compose, bake)."""
    found: dict[str, str] = {}
    for kind, names in (
        ("dockerfile", USER_DOCKERFILES),
        ("compose", USER_COMPOSE),
        ("bake", USER_BAKE),
        ("ignore", (".dockerignore",)),
    ):
        for name in names:
            if files.exists(name) and not is_generated_text(files.text(name) or ""):
                found[kind] = name
                break
    return found


def is_generated_text(text: str) -> bool:
    from imagetailor.generate.assembler import MARKER

    return text.split("\n", 1)[0].strip() == f"# {MARKER}"
