"""The .dockerignore: language conventions plus the project's .gitignore, so `COPY . .` copies
source and nothing else (no VCS data, no local dependency trees, no build output, no secrets)."""

from __future__ import annotations

from pathlib import Path

from imagetailor import languages
from imagetailor.generate import quoting
from imagetailor.languages.files import ProjectFiles
from imagetailor.project.model import Spec

# Folders the test runners of our languages look in by convention.
TEST_FOLDERS = ("test", "tests", "spec", "__tests__")
COMMON = [
    ".git",
    ".gitignore",
    "**/.DS_Store",
    "**/*.swp",
    ".env",
    "**/.env.*",
    "*.env",
    "**/*.pem",
    "**/*.key",
    "tailor.toml",
]


def translate_gitignore(line: str) -> str | None:
    """A .gitignore pattern as a .dockerignore pattern, or None for blanks and comments.

    git matches a pattern without an inner slash at any depth; .dockerignore patterns are
    anchored at the context root, so such patterns get a leading **/.
    """
    text = line.rstrip("\n").rstrip()
    if not text or text.startswith("#"):
        return None
    negate = text.startswith("!")
    body = text[1:] if negate else text
    if body.startswith("\\"):
        body = body[1:]
    anchored = "/" in body.rstrip("/")
    body = body.lstrip("/") if anchored else "**/" + body.rstrip("/")
    body = body.rstrip("/")
    return ("!" if negate else "") + body


def render_ignore(
    spec: Spec, project: Path, generated: list[str], user_lines: list[str] | None = None
) -> list[str]:
    """The lines (after the marker) of the ignore file. ``generated`` are our own files (editing
    them must not invalidate `COPY . .`); ``user_lines``, when the project has a .dockerignore of
    its own, come first, so its rules still hold in the file BuildKit reads instead."""
    data = languages.plugin(spec.app.language).data
    lines: list[str] = []
    if user_lines is not None:
        lines += ["# from the project's own .dockerignore", *user_lines]
    lines += ["# Never sent to the build: version control, secrets, local artefacts."]
    lines += [p for p in [*COMMON, *generated] if p not in lines]
    lines += [f"# {data.title} conventions", *(p for p in data.ignore if p not in lines)]
    if spec.frontend is not None:
        web = spec.frontend.dir
        lines += [
            "# front end: dependencies and output are rebuilt in the fe stage",
            f"{web}/node_modules",
            f"{web}/{spec.frontend.output}",
        ]
    gitignore = ProjectFiles(project).lines(".gitignore")
    extra: list[str] = []
    for raw in gitignore:
        pattern = translate_gitignore(raw)
        if pattern is not None and pattern not in lines and pattern not in extra:
            extra.append(pattern)
    if extra:
        lines += ["# from .gitignore", *extra]
    keep = [f"!{m}" for m in spec.app.manifests if m not in ("", ".")]
    if keep:
        lines += ["# The manifests and lock files the build copies are always sent.", *keep]
    tests = _excluded_tests(project, user_lines or [])
    if tests:
        lines += [
            "# The tests the ci image runs are sent, though the project's file leaves them out."
        ]
        lines += [f"!{t}" for t in tests]
    return [line for line in lines if line.startswith("#") or _renderable(line)]


def _excluded_tests(project: Path, user_lines: list[str]) -> list[str]:
    """Test folders at the root that the project's own ignore file leaves out (its Dockerfile
    ships no tests; our ci image runs them)."""
    patterns = {line.strip().strip("/").removeprefix("**/") for line in user_lines}
    files = ProjectFiles(project)
    return [d for d in TEST_FOLDERS if d in patterns and files.is_dir(d)]


def _renderable(line: str) -> bool:
    """A pattern copied from the project's files that would not read back as itself (a control
    character, surrounding blanks) is dropped rather than written."""
    try:
        quoting.ignore_pattern(line)
    except quoting.UnsafeValue:
        return False
    return True
