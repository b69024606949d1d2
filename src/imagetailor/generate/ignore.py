"""The .dockerignore: language conventions plus the project's .gitignore, so `COPY . .` copies
source and nothing else (no VCS data, no local dependency trees, no build output, no secrets)."""

from __future__ import annotations

from pathlib import Path

from imagetailor.project.model import Spec

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
    # The build's own files: editing them must not invalidate `COPY . .`.
    "Dockerfile",
    ".dockerignore",
    "docker-bake.hcl",
    "compose.yaml",
    "tailor.toml",
]
LANGUAGE = {
    "go": ["bin/", "**/*.exe", "**/*.test", "**/*.out", "coverage.*"],
    "python": [
        "**/__pycache__",
        "**/*.py[cod]",
        ".venv",
        "venv",
        "**/*.egg-info",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".coverage",
        "htmlcov",
        "dist",
        "build",
    ],
    "node": ["**/node_modules", "npm-debug.log*", "coverage", ".npm"],
}


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


def render_ignore(spec: Spec, project: Path) -> list[str]:
    """The lines (after the marker) of the .dockerignore."""
    lines = ["# Never sent to the build: version control, secrets, local artefacts.", *COMMON]
    lines += [f"# {spec.app.language} conventions", *LANGUAGE[spec.app.language]]
    if spec.frontend is not None:
        web = spec.frontend.dir
        lines += [
            "# front end: dependencies and output are rebuilt in the fe stage",
            f"{web}/node_modules",
            f"{web}/{spec.frontend.output}",
        ]
    gitignore = project / ".gitignore"
    if gitignore.is_file():
        extra: list[str] = []
        for raw in gitignore.read_text("utf-8", errors="replace").splitlines():
            pattern = translate_gitignore(raw)
            if pattern is not None and pattern not in lines and pattern not in extra:
                extra.append(pattern)
        if extra:
            lines += ["# from .gitignore", *extra]
    return lines
