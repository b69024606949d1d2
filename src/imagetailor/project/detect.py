"""Detect what a project is from its own files: language and version, manifests and lock files,
the entry point, the port, the configuration it reads from the environment, a front end, tests.

Every answer is a default for `tailor init`'s questions; nothing here runs project code.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.project.bases import default_version

DEFAULT_PORT = 8080
FRONTEND_DIRS = ("web", "frontend", "ui", "client", "webapp")
_SKIP_DIRS = {".git", "node_modules", "vendor", "__pycache__", ".venv", "venv", "dist", "build"}
_MAX_SOURCE_BYTES = 512 * 1024  # a source file larger than this is not read for hints
_MAX_SOURCES = 400

_ENV_PATTERNS = {
    "go": [re.compile(r'os\.(?:Getenv|LookupEnv)\(\s*"([A-Za-z_][A-Za-z0-9_]*)"')],
    "python": [
        re.compile(r'os\.environ\.get\(\s*["\']([A-Za-z_][A-Za-z0-9_]*)["\']'),
        re.compile(r'os\.environ\[\s*["\']([A-Za-z_][A-Za-z0-9_]*)["\']\s*\]'),
        re.compile(r'os\.getenv\(\s*["\']([A-Za-z_][A-Za-z0-9_]*)["\']'),
    ],
    "node": [
        re.compile(r"process\.env\.([A-Za-z_][A-Za-z0-9_]*)"),
        re.compile(r'process\.env\[\s*["\']([A-Za-z_][A-Za-z0-9_]*)["\']\s*\]'),
    ],
}
_SUFFIXES = {"go": (".go",), "python": (".py",), "node": (".js", ".mjs", ".cjs", ".ts")}
# A port number written next to the word PORT, or as ":NNNN" in a listen address.
_PORT_NEAR_NAME = re.compile(r"PORT\W{1,40}?(\d{2,5})\b")
_PORT_LISTEN = re.compile(r"""["']:(\d{2,5})["']""")


@dataclass
class Frontend:
    dir: str
    build: str = "build"
    output: str = "dist"
    lockfile: bool = True


@dataclass
class Detected:
    """What detection found, and why (``notes``, shown by `tailor init`)."""

    name: str
    language: str
    runtime_version: str
    version: str = "0.1.0"
    main: str = "."
    port: int = DEFAULT_PORT
    test: str = ""
    config: list[str] = field(default_factory=list)
    manifests: list[str] = field(default_factory=list)
    frontend: Frontend | None = None
    test_tools: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object")
    return data


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def image_name(raw: str) -> str:
    """A project name made fit for an image repository name."""
    name = raw.rsplit("/", 1)[-1].lower()
    name = re.sub(r"[^a-z0-9._-]+", "-", name).strip("._-")
    name = re.sub(r"[._-]{2,}", "-", name)
    return name or "app"


def _sources(root: Path, language: str) -> list[Path]:
    """Source files, skipping dependency and build trees without walking into them."""
    found: list[Path] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix in _SUFFIXES[language] and not path.is_symlink():
                found.append(path)
                if len(found) >= _MAX_SOURCES:
                    return found
    return found


def _source_text(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_SOURCE_BYTES:
            return ""
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


def _is_test_file(path: Path) -> bool:
    name = path.name
    return (
        name.endswith("_test.go")
        or name.startswith("test_")
        or name.endswith("_test.py")
        or ".test." in name
        or "tests" in path.parts
        or "test" in path.parts
    )


def _config_and_port(root: Path, language: str) -> tuple[list[str], int | None]:
    names: list[str] = []
    port: int | None = None
    for path in _sources(root, language):
        if _is_test_file(path.relative_to(root)):
            continue
        text = _source_text(path)
        # In the order the source reads them, whichever pattern found each.
        hits = sorted(
            (match.start(), match.group(1))
            for pattern in _ENV_PATTERNS[language]
            for match in pattern.finditer(text)
        )
        for _, name in hits:
            if name not in names:
                names.append(name)
        if port is None:
            for pattern in (_PORT_NEAR_NAME, _PORT_LISTEN):
                match = pattern.search(text)
                if match and 1 <= int(match.group(1)) <= 65535:
                    port = int(match.group(1))
                    break
    return names, port


def _frontend(root: Path, skip_root: bool) -> Frontend | None:
    for name in FRONTEND_DIRS:
        manifest = root / name / "package.json"
        if not manifest.is_file() or (skip_root and manifest.parent == root):
            continue
        scripts = _read_json(manifest).get("scripts") or {}
        if not isinstance(scripts, dict) or "build" not in scripts:
            continue
        script = str(scripts["build"])
        output = "dist"
        match = re.search(r"(?:--out-?dir|-o)[ =]+([\w./-]+)", script, re.I)
        if match:
            output = match.group(1).strip("./") or "dist"
        elif "react-scripts" in script:
            output = "build"
        return Frontend(
            dir=name,
            build="build",
            output=output,
            lockfile=(root / name / "package-lock.json").is_file(),
        )
    return None


def _detect_go(root: Path) -> Detected:
    text = (root / "go.mod").read_text("utf-8", errors="replace")
    module = re.search(r"^module\s+(\S+)", text, re.M)
    go_line = re.search(r"^go\s+(\d+\.\d+)", text, re.M)
    detected = Detected(
        name=image_name(module.group(1) if module else root.name),
        language="go",
        runtime_version=go_line.group(1) if go_line else default_version("go"),
        test="go test ./...",
        manifests=[m for m in ("go.mod", "go.sum") if (root / m).is_file()],
    )
    detected.notes.append(f"go.mod: module {module.group(1) if module else '?'}")
    if (root / "main.go").is_file():
        detected.main = "."
    else:
        commands = sorted(p.parent for p in root.glob("cmd/*/main.go"))
        if commands:
            detected.main = "./" + commands[0].relative_to(root).as_posix()
    return detected


def _python_requires(text: str) -> str | None:
    match = re.search(r"(\d+\.\d+)", text)
    return match.group(1) if match else None


def _detect_python(root: Path) -> Detected:
    pyproject = root / "pyproject.toml"
    project: dict[str, Any] = {}
    if pyproject.is_file():
        project = _read_toml(pyproject).get("project") or {}
    name = str(project.get("name") or root.name)
    detected = Detected(
        name=image_name(name),
        language="python",
        runtime_version=_python_requires(str(project.get("requires-python", "")))
        or default_version("python"),
        version=str(project.get("version") or "0.1.0"),
    )
    if (root / "requirements.txt").is_file():
        detected.manifests = ["requirements.txt"]
        detected.notes.append("requirements.txt: runtime dependencies")
    elif pyproject.is_file():
        detected.manifests = ["pyproject.toml"]
        detected.notes.append("pyproject.toml: [project] dependencies")
    for candidate in ("main.py", "app.py", "server.py", "__main__.py"):
        if (root / candidate).is_file():
            detected.main = candidate
            break
    else:
        package = image_name(name).replace("-", "_")
        if (root / package / "__main__.py").is_file() or (
            root / "src" / package / "__main__.py"
        ).is_file():
            detected.main = f"-m {package}"
        else:
            detected.main = "main.py"
    blob = "".join(
        _source_text(p)
        for p in (pyproject, root / "requirements-dev.txt", *sorted(root.glob("test*/*.py")))
        if p.is_file()
    )
    blob += "".join(_source_text(p) for p in sorted(root.glob("test_*.py")))
    if "pytest" in blob:
        detected.test = "python3 -m pytest -q"
        detected.test_tools = ["pytest"]
    elif (root / "tests").is_dir():
        detected.test = "python3 -m unittest discover -s tests -v"
    else:
        detected.test = "python3 -m unittest discover -v"
    return detected


def _detect_node(root: Path) -> Detected:
    manifest = _read_json(root / "package.json")
    engines = manifest.get("engines") or {}
    node_range = str(engines.get("node", "")) if isinstance(engines, dict) else ""
    major = re.search(r"(\d+)", node_range)
    detected = Detected(
        name=image_name(str(manifest.get("name") or root.name)),
        language="node",
        runtime_version=major.group(1) if major else default_version("node"),
        version=str(manifest.get("version") or "0.1.0"),
        manifests=[m for m in ("package.json", "package-lock.json") if (root / m).is_file()],
    )
    if not (root / "package-lock.json").is_file():
        detected.notes.append("no package-lock.json: `npm install` instead of `npm ci`")
    scripts = manifest.get("scripts") or {}
    start = str(scripts.get("start", "")) if isinstance(scripts, dict) else ""
    match = re.match(r"^node\s+(?:--\S+\s+)*([\w./-]+\.[cm]?js)\b", start)
    if match:
        detected.main = match.group(1).removeprefix("./")
    elif isinstance(manifest.get("main"), str):
        detected.main = str(manifest["main"]).removeprefix("./")
    else:
        detected.main = "index.js"
    test = str(scripts.get("test", "")) if isinstance(scripts, dict) else ""
    if test and "no test specified" not in test:
        detected.test = "npm test"
    return detected


def detect(root: Path) -> Detected:
    """Detect the project in ``root``; a UsageError when no known manifest is there."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    if (root / "go.mod").is_file():
        detected = _detect_go(root)
    elif (root / "pyproject.toml").is_file() or (root / "requirements.txt").is_file():
        detected = _detect_python(root)
    elif (root / "package.json").is_file():
        detected = _detect_node(root)
    else:
        raise UsageError(
            f"no go.mod, pyproject.toml, requirements.txt or package.json in {root}: "
            "run `tailor init` in the application's folder"
        )
    names, port = _config_and_port(root, detected.language)
    detected.config = names
    if port is not None:
        detected.port = port
        detected.notes.append(f"port {port} found in the source")
    else:
        detected.notes.append(f"no port found in the source: assuming {DEFAULT_PORT}")
    detected.frontend = _frontend(root, skip_root=detected.language == "node")
    if detected.frontend is not None:
        detected.notes.append(
            f"front end in {detected.frontend.dir}/ (npm run {detected.frontend.build} -> "
            f"{detected.frontend.output}/)"
        )
    return detected
