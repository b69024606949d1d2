"""Python project metadata read without running anything: names, versions, dependency names
(runtime and development) from every manifest format Python projects use, and the version
constraint they state. Requirement strings go through ``packaging``, never string slicing."""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from imagetailor.languages.facts import Constraint
from imagetailor.languages.files import ProjectFiles

RUNTIME_REQUIREMENTS = [
    "requirements.txt",
    "requirements/prod.txt",
    "requirements/production.txt",
    "requirements/base.txt",
    "requirements/main.txt",
    "requirements/common.txt",
]
DEV_REQUIREMENTS = [
    "requirements-dev.txt",
    "dev-requirements.txt",
    "requirements-test.txt",
    "test-requirements.txt",
    "requirements_dev.txt",
    "requirements/dev.txt",
    "requirements/development.txt",
    "requirements/test.txt",
    "requirements/local.txt",
    "requirements/ci.txt",
]


@dataclass
class PyMeta:
    name: str = ""
    version: str = ""
    runtime: set[str] = field(default_factory=set)  # canonical dependency names
    dev: set[str] = field(default_factory=set)
    scripts: dict[str, str] = field(default_factory=dict)  # console script -> "module:func"
    requirements: set[str] = field(default_factory=set)  # names in requirements files only
    python_requires: tuple[str, str] | None = None  # (specifier, where) from setup.cfg/setup.py
    scripts_start: list[str] = field(default_factory=list)  # [tool.pdm.scripts] start
    constraint: Constraint | None = None

    def has(self, name: str) -> bool:
        return canonicalize_name(name) in self.runtime

    def declares(self, name: str) -> bool:
        return canonicalize_name(name) in self.runtime | self.dev


def _names(requirements: list[str]) -> set[str]:
    found: set[str] = set()
    for line in requirements:
        try:
            found.add(canonicalize_name(Requirement(line).name))
        except (InvalidRequirement, TypeError):
            continue
    return found


def requirement_lines(files: ProjectFiles, path: str, depth: int = 0) -> list[str]:
    """Requirement strings of a requirements file, following -r includes (bounded)."""
    lines: list[str] = []
    base = path.rpartition("/")[0]
    # Backslash continuations join lines (pip-compile puts each --hash on its own).
    logical = re.sub(r"\\\n", " ", "\n".join(files.lines(path))).splitlines()
    for raw in logical:
        line = raw.split(" #", 1)[0].strip()
        line = re.split(r"\s+--?[a-z]", line, maxsplit=1)[0].strip()  # per-line options
        if not line or line.startswith("#"):
            continue
        include = re.match(r"^(?:-r|--requirement)\s*=?\s*(\S+)", line)
        if include and depth < 5:
            target = f"{base}/{include.group(1)}" if base else include.group(1)
            lines += requirement_lines(files, target.removeprefix("./"), depth + 1)
        elif not line.startswith("-"):
            lines.append(line.split(";")[0].strip() if "@" in line else line)
    return lines


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _group_strings(groups: Any) -> list[str]:
    out: list[str] = []
    if isinstance(groups, dict):
        for entries in groups.values():
            out += _strings(entries)
    return out


def _poetry_names(table: Any) -> set[str]:
    if not isinstance(table, dict):
        return set()
    return {canonicalize_name(k) for k in table if isinstance(k, str) and k != "python"}


def _setup_py(files: ProjectFiles) -> dict[str, Any]:
    """Literal keyword arguments of setup(...) in setup.py (never executed)."""
    text = files.text("setup.py")
    if not text:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "setup"
        ):
            found: dict[str, Any] = {}
            for keyword in node.keywords:
                try:
                    found[str(keyword.arg)] = ast.literal_eval(keyword.value)
                except (ValueError, SyntaxError, TypeError, RecursionError):
                    continue
            return found
    return {}


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def read_meta(files: ProjectFiles) -> PyMeta:
    meta = PyMeta()
    pyproject = files.toml("pyproject.toml") or {}
    project = _table(pyproject, "project")
    tool = _table(pyproject, "tool")
    poetry = _table(tool, "poetry")
    meta.name = str(project.get("name") or poetry.get("name") or "")
    meta.version = str(project.get("version") or poetry.get("version") or "")
    if not meta.version and "version" in _strings(project.get("dynamic")):
        meta.version = _dynamic_version(files, tool)
    meta.runtime |= _names(_strings(project.get("dependencies")))
    meta.dev |= _names(_group_strings(project.get("optional-dependencies")))
    meta.dev |= _names(_group_strings(pyproject.get("dependency-groups")))
    meta.runtime |= _poetry_names(poetry.get("dependencies"))
    meta.dev |= _poetry_names(poetry.get("dev-dependencies"))
    for group in _table(poetry, "group").values():
        if isinstance(group, dict):
            meta.dev |= _poetry_names(group.get("dependencies"))
    meta.dev |= _names(_group_strings(_table(tool, "pdm").get("dev-dependencies")))
    meta.dev |= _names(_strings(_table(tool, "uv").get("dev-dependencies")))
    # Hatch environments (`hatch test` brings pytest with its hatch-test environment).
    envs = _table(_table(tool, "hatch"), "envs")
    for env in envs.values():
        if isinstance(env, dict):
            extra = _strings(env.get("dependencies")) + _strings(env.get("extra-dependencies"))
            meta.dev |= _names(extra)
    if "hatch-test" in envs:
        meta.dev.add("pytest")
    for table in (project.get("scripts"), poetry.get("scripts")):
        if isinstance(table, dict):
            meta.scripts |= {str(k): v for k, v in table.items() if isinstance(v, str)}
    pipfile = files.toml("Pipfile") or {}
    meta.runtime |= _poetry_names(pipfile.get("packages"))
    meta.dev |= _poetry_names(pipfile.get("dev-packages"))
    for path in files.any(RUNTIME_REQUIREMENTS):
        meta.runtime |= _names(requirement_lines(files, path))
        meta.requirements |= _names(requirement_lines(files, path))
    for path in files.any(DEV_REQUIREMENTS):
        meta.dev |= _names(requirement_lines(files, path))
        meta.requirements |= _names(requirement_lines(files, path))
    _setup_meta(files, meta)
    pdm_scripts = _table(_table(tool, "pdm"), "scripts")
    for name in ("start", "serve"):
        script = pdm_scripts.get(name)
        command = script.get("cmd") if isinstance(script, dict) else script
        if isinstance(command, str) and command.strip():
            meta.scripts_start = command.split()
            break
    meta.dev -= meta.runtime
    meta.constraint = _constraint(files, project, poetry, pipfile)
    if meta.constraint is None and meta.python_requires is not None:
        meta.constraint = Constraint("pep440", *meta.python_requires)
    return meta


def _setup_meta(files: ProjectFiles, meta: PyMeta) -> None:
    text = files.text("setup.cfg")
    if text:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            parser = configparser.ConfigParser()
        meta.name = meta.name or parser.get("metadata", "name", fallback="")
        meta.version = meta.version or parser.get("metadata", "version", fallback="")
        requires = parser.get("options", "install_requires", fallback="")
        meta.runtime |= _names([r.strip() for r in requires.splitlines() if r.strip()])
        if parser.has_section("options.extras_require"):
            for _, extra in parser.items("options.extras_require"):
                meta.dev |= _names([r.strip() for r in extra.splitlines() if r.strip()])
        python = parser.get("options", "python_requires", fallback="").strip()
        if python:
            meta.python_requires = meta.python_requires or (python, "setup.cfg python_requires")
        for line in parser.get("options.entry_points", "console_scripts", fallback="").splitlines():
            name, _, target = line.partition("=")
            if target.strip():
                meta.scripts.setdefault(name.strip(), target.strip())
    setup = _setup_py(files)
    if setup:
        meta.name = meta.name or str(setup.get("name") or "")
        meta.version = meta.version or str(setup.get("version") or "")
        meta.runtime |= _names(_strings(setup.get("install_requires")))
        extras = setup.get("extras_require")
        if isinstance(extras, dict):
            for extra in extras.values():
                meta.dev |= _names(_strings(extra))
        requires_python = setup.get("python_requires")
        if isinstance(requires_python, str) and requires_python.strip():
            where = "setup.py python_requires"
            meta.python_requires = meta.python_requires or (requires_python, where)
        points = setup.get("entry_points")
        if isinstance(points, dict):
            for line in _strings(points.get("console_scripts")):
                name, _, target = line.partition("=")
                meta.scripts.setdefault(name.strip(), target.strip())


def _constraint(
    files: ProjectFiles, project: dict[str, Any], poetry: dict[str, Any], pipfile: dict[str, Any]
) -> Constraint | None:
    """The project's word on its Python version, most specific source first."""
    first = next(iter(files.lines(".python-version")), "").strip()
    match = re.match(r"^(?:python-?|cpython-?)?(\d+\.\d+)", first)
    if match:
        return Constraint("pep440", f"=={match.group(1)}.*", ".python-version")
    runtime = next(iter(files.lines("runtime.txt")), "").strip()
    match = re.match(r"^python-(\d+\.\d+)", runtime)
    if match:
        return Constraint("pep440", f"=={match.group(1)}.*", "runtime.txt")
    requires = _table(pipfile, "requires")
    version = requires.get("python_version") or requires.get("python_full_version")
    if isinstance(version, str) and re.match(r"^\d+\.\d+", version):
        return Constraint("pep440", f"=={'.'.join(version.split('.')[:2])}.*", "Pipfile [requires]")
    if isinstance(project.get("requires-python"), str):
        return Constraint("pep440", project["requires-python"], "pyproject.toml requires-python")
    deps = poetry.get("dependencies")
    if isinstance(deps, dict) and isinstance(deps.get("python"), str):
        return Constraint(
            "pep440", deps["python"], "pyproject.toml [tool.poetry.dependencies] python"
        )
    return None


def uv_members(files: ProjectFiles) -> list[str]:
    """A uv workspace's member folders ([tool.uv.workspace] members globs, minus exclude) that
    hold a pyproject.toml: their manifests join the lock stage, their sources the PYTHONPATH."""
    uv = ((files.toml("pyproject.toml") or {}).get("tool") or {}).get("uv") or {}
    workspace = uv.get("workspace") if isinstance(uv, dict) else None
    if not isinstance(workspace, dict):
        return []

    def folders(patterns: Any) -> list[str]:
        return [
            p.removesuffix("/pyproject.toml")
            for g in _strings(patterns)
            for p in files.glob(f"{g.strip('/')}/pyproject.toml")
        ]

    excluded = set(folders(workspace.get("exclude")))
    found = [f for f in folders(workspace.get("members")) if f not in excluded and f != "."]
    return list(dict.fromkeys(found))


_DUNDER_VERSION = re.compile(r"""^__version__\s*=\s*["']([^"'\n]{1,64})["']""", re.M)


def _dynamic_version(files: ProjectFiles, tool: dict[str, Any]) -> str:
    """A dynamic version read from the file the build backend reads it from: hatch's
    [tool.hatch.version] path, setuptools' attr = "pkg.__version__" (``__version__ = "1.2"``)."""
    path = str(_table(_table(tool, "hatch"), "version").get("path") or "")
    if not path:
        attr = _table(_table(tool, "setuptools"), "dynamic").get("version", {})
        dotted = str(attr.get("attr", "")) if isinstance(attr, dict) else ""
        module = dotted.rsplit(".", 1)[0].replace(".", "/")
        candidates = [f"{r}{module}{s}" for r in ("", "src/") for s in ("/__init__.py", ".py")]
        path = next((c for c in candidates if module and files.exists(c)), "")
    match = _DUNDER_VERSION.search(files.text(path) or "") if path else None
    return match.group(1) if match else ""
