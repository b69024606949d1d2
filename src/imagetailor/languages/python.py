"""Python hooks: which package manager and lock, which framework and how it starts, how tests run;
plan dependencies installed into /opt/deps (exactly the locked pins), a distroless runtime, and a
start command that needs no shell (a server's console script becomes ``python -m server``)."""

from __future__ import annotations

import re

from imagetailor.generate.plan import Copy, Plan, PlanContext, Run, test_argv
from imagetailor.generate.quoting import shell_word, shell_words
from imagetailor.languages import pystart
from imagetailor.languages.facts import Constraint, Facts
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language, Manager
from imagetailor.languages.pydeps import (
    DEV_REQUIREMENTS,
    RUNTIME_REQUIREMENTS,
    PyMeta,
    read_meta,
    uv_members,
)

WEB_PACKAGES = {
    "django",
    "flask",
    "fastapi",
    "starlette",
    "gunicorn",
    "uvicorn",
    "aiohttp",
    "tornado",
    "bottle",
    "falcon",
    "sanic",
    "quart",
    "litestar",
    "pyramid",
    "cherrypy",
    "waitress",
    "hypercorn",
    "daphne",
    "werkzeug",
    "dash",
    "streamlit",
}
# The standard library's own servers: an app without a web framework may still serve HTTP.
_SERVES = re.compile(
    r"\b(?:HTTPServer|ThreadingHTTPServer|serve_forever|make_server|"
    r"socketserver\.TCPServer|asyncio\.start_server)\b"
)
_PYTEST_CONFIG = re.compile(r"^\[(?:tool:pytest|pytest|tool\.pytest\.ini_options)\]", re.M)
# Export [project] / setup.cfg / setup.py dependencies with the standard library only (no tool
# to install): runtime ones to prod.txt, those plus every optional group to all.txt.
_PYPROJECT_EXPORT = (
    "import tomllib; d = tomllib.load(open('pyproject.toml', 'rb')); p = d.get('project', {}); "
    "r = p.get('dependencies', []); g = [x for v in p.get('optional-dependencies', {}).values() "
    "for x in v] + [x for v in d.get('dependency-groups', {}).values() for x in v "
    "if isinstance(x, str)]; h = d.get('tool', {}).get('hatch', {}).get('envs', {}); "
    "g += [x for e in h.values() for x in e.get('dependencies', []) + "
    "e.get('extra-dependencies', [])] + (['pytest'] if 'hatch-test' in h else []); "
    "open('/requirements/prod.txt', 'w').write('\\n'.join(r) + '\\n'); "
    "open('/requirements/all.txt', 'w').write('\\n'.join(r + g) + '\\n')"
)
_SETUP_EXPORT = (
    "import ast, configparser, os; c = configparser.ConfigParser(interpolation=None); "
    "c.read('setup.cfg'); r = [x.strip() for x in c.get('options', 'install_requires', "
    "fallback='').splitlines() if x.strip()]; t = ast.parse(open('setup.py').read()) "
    "if os.path.exists('setup.py') else ast.Module([], []); r += [x for n in ast.walk(t) "
    "if isinstance(n, ast.keyword) and n.arg == 'install_requires' "
    "for x in ast.literal_eval(n.value)]; "
    "g = [x.strip() for k in (c.options('options.extras_require') if "
    "c.has_section('options.extras_require') else []) for x in "
    "c.get('options.extras_require', k).splitlines() if x.strip()]; "
    "g += [x for n in ast.walk(t) if isinstance(n, ast.keyword) and n.arg == 'extras_require' "
    "for v in ast.literal_eval(n.value).values() for x in v]; "
    "open('/requirements/prod.txt', 'w').write('\\n'.join(r) + '\\n'); "
    "open('/requirements/all.txt', 'w').write('\\n'.join(r + g) + '\\n')"
)


def _has_table(files: ProjectFiles, *path: str) -> bool:
    node: object = files.toml("pyproject.toml") or {}
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def _manager(files: ProjectFiles, language: Language) -> str:
    for name, manager in language.managers.items():
        if name == "pyproject" and not _has_table(files, "project"):
            continue
        if files.any(manager.when):
            return name
        if name == "poetry" and _has_table(files, "tool", "poetry", "dependencies"):
            return name
    return "none"


def _present(files: ProjectFiles, manager: Manager) -> list[str]:
    return files.any(manager.manifests)


def detect(files: ProjectFiles, language: Language) -> Facts:
    meta = read_meta(files)
    name = _manager(files, language)
    manager = language.manager(name)
    facts = Facts("python", name, meta.constraint or Constraint("any"), meta.name, meta.version)
    facts.manifests = _present(files, manager)
    if name == "uv":
        members = uv_members(files)
        facts.manifests += [f"{m}/pyproject.toml" for m in members]
        if members:
            facts.note(f"uv workspace members: {', '.join(members)} (on PYTHONPATH, not installed)")
    if name == "pyproject" and not meta.runtime:
        facts.manager, facts.manifests = "none", []
    facts.note(f"dependencies: {language.managers[facts.manager].title}")
    if manager.note and facts.manager == name:
        facts.note(manager.note)
    if manager.lock and not files.any(manager.lock) and manager.relock:
        facts.note(f"no {manager.lock[0]}: the build locks first (commit the lock to freeze it)")
    pystart.detect_start(files, language, meta, facts)
    serves = any(_SERVES.search(files.text(p) or "") for p in list(files.walk((".py",)))[:200])
    facts.kind = "web" if (meta.runtime & WEB_PACKAGES) or serves else "cli"
    installed = meta.requirements if facts.manager == "pip" else meta.runtime | meta.dev
    django = pystart.django_dir(files, language) if meta.has("django") else None
    _tests(files, meta, facts, installed, django)
    if django is not None:
        _django_build(files, facts, django)
    return facts


def _tests(
    files: ProjectFiles, meta: PyMeta, facts: Facts, installed: set[str], django: str | None
) -> None:
    pattern = r"(^|/)(test_[^/]*|[^/]*_tests?|tests?)\.py$"
    test_files = [p for p in files.walk((".py",)) if re.search(pattern, p)]
    pytest_config = (
        any(
            _PYTEST_CONFIG.search(files.text(p) or "")
            for p in ("pytest.ini", "setup.cfg", "tox.ini", "pyproject.toml")
        )
        or files.exists("pytest.ini")
        or files.exists("conftest.py")
        or files.exists("tests/conftest.py")
    )
    uses_pytest = (
        pytest_config
        or meta.declares("pytest")
        or any("import pytest" in (files.text(p) or "") for p in test_files[:50])
    )
    if django is not None and not meta.declares("pytest-django"):
        # From the root, discovery must start in manage.py's folder (it is not a package).
        label = f" {django}" if django else ""
        facts.test = f"python {pystart.django_manage(django)} test{label}"
    elif uses_pytest and (test_files or pytest_config):
        facts.test = "python -m pytest"
        if "pytest" not in installed:
            facts.test_tools.append("pytest")
    elif files.is_dir("tests"):
        top = " -t ." if files.exists("tests/__init__.py") else ""
        facts.test = f"python -m unittest discover -s tests{top}"
    elif test_files:
        facts.test = "python -m unittest discover"


def _django_build(files: ProjectFiles, facts: Facts, folder: str) -> None:
    """collectstatic in the build stage when settings name a STATIC_ROOT; settings that read an
    environment variable without a default get a placeholder for that one command only."""
    settings = pystart.django_settings(files, folder)
    if settings is None:
        return
    text = files.text(settings) or ""
    if "STATIC_ROOT" not in text:
        facts.note("Django without STATIC_ROOT: no collectstatic in the build")
        return
    required = re.findall(r"os\.environ\[\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\]", text)
    prefix = "".join(f"{n}=build-placeholder " for n in dict.fromkeys(required))
    facts.build = f"{prefix}python {pystart.django_manage(folder)} collectstatic --noinput"


# --- the plan ---------------------------------------------------------------------------------


def _lock_runs(manager: Manager, name: str, locked: bool, pip_cache: str) -> list[Run]:
    tool = manager.tool.split()
    runs: list[Run] = []
    if tool:
        runs.append(
            Run(
                (
                    "python3 -m venv /opt/locktool",
                    f"/opt/locktool/bin/pip install {shell_words(tool)}",
                ),
                (f"type=cache,target={pip_cache}",),
                (f"{manager.title}: installed here only, to read the lock.",),
            )
        )
    export = list(manager.export)
    if name == "pyproject":
        export = [f"python3 -c {shell_word(_PYPROJECT_EXPORT)}"]
    elif name == "setuptools":
        export = [f"python3 -c {shell_word(_SETUP_EXPORT)}"]
    relock = [] if locked else manager.relock
    runs.append(Run(("mkdir -p /requirements", *relock, *export)))
    return runs


def _pip_install(requirements: list[str], deps: str, cache: str, why: str) -> Run:
    files = " ".join(f"-r {shell_word(r)}" for r in requirements)
    if not requirements:
        return Run((f"mkdir -p {deps}",), (), (why,))
    # An empty requirements file is not an error: a project may have no runtime dependencies.
    check = " || ".join(f"grep -q '[^[:space:]]' {shell_word(r)}" for r in requirements)
    return Run(
        (
            f"mkdir -p {deps}",
            f"if {check}; then python3 -m pip install --target {deps} {files}; fi",
        ),
        (f"type=cache,target={cache}",),
        (why,),
    )


def plan(ctx: PlanContext) -> Plan:
    spec, language = ctx.spec, ctx.language
    app = spec.app
    name = app.package_manager or language.default_manager
    manager = language.manager(name)
    deps = str(language.extra.get("deps_dir", "/opt/deps"))
    cache = str(language.extra.get("pip_cache", "/root/.cache/pip"))
    files = ProjectFiles(ctx.project)
    src = files.is_dir("src") and not files.exists("src/__init__.py")
    # The project and its uv workspace members are imported from their sources, not installed.
    roots = ["/app", *(["/app/src"] if src else [])]
    for member in uv_members(files) if name == "uv" else []:
        roots.append(f"/app/{member}/src" if files.is_dir(f"{member}/src") else f"/app/{member}")
    pythonpath = ":".join([deps, *roots])
    p = Plan(
        workdir="/app",
        toolchain_note="Python with pip (lock, deps, ci, dev).",
        deploy_note=f"deploy runtime: distroless Python {ctx.version} (no shell, no pip).",
    )
    if manager.export or name in ("pyproject", "setuptools"):
        locked = bool(files.any(manager.lock)) or not manager.lock
        p.lock_manifests = [m for m in app.manifests if not m.startswith("requirements")]
        p.lock = _lock_runs(manager, name, locked, cache)
        p.deps_from_lock = True
        p.deps_all = [_pip_install(["/requirements/all.txt"], deps, cache, "Every group.")]
        p.deps_prod = [_pip_install(["/requirements/prod.txt"], deps, cache, "Runtime only.")]
    else:
        present = set(app.manifests)
        runtime = [r for r in RUNTIME_REQUIREMENTS if r in present][:1]
        dev = [r for r in DEV_REQUIREMENTS if r in present]
        p.manifests = list(app.manifests)
        p.deps_all = [_pip_install(runtime + dev, deps, cache, "Runtime and development.")]
        p.deps_prod = [_pip_install(runtime, deps, cache, "Runtime only: what deploy ships.")]
    # Console scripts (pip's own among them, when a dependency pulls pip in) carry the
    # toolchain's shebang: deploy has no shell and runs modules with python -m, so they go.
    drop_bin = Run((f"rm -rf {deps}/bin",), (), ("Console scripts are not run in deploy.",))
    assert p.deps_prod is not None
    p.deps_prod.append(drop_bin)
    p.deps_env = {"PYTHONPATH": pythonpath}
    p.path_prepend = [f"{deps}/bin"]
    p.deploy_env = {"PYTHONPATH": pythonpath}
    p.build = [Run((app.build,), (), ("The project's build step.",))] if app.build else []
    p.build.append(Run(("python3 -m compileall -q /app",), (), ("Byte-compiled once here.",)))
    p.frontend_into = f"{spec.frontend.dir}/{spec.frontend.output}" if spec.frontend else ""
    p.deploy_copies = [Copy(deps, deps, "deps-prod"), Copy("/app", "/app", "build")]
    p.native_dirs = [deps]
    p.entrypoint, note = pystart.deploy_argv(ctx, files)
    p.entrypoint_note = note
    p.ci_cmd = test_argv(app.test or language.no_tests)
    p.dev_cmd = pystart.dev_argv(ctx, files)
    p.dev_ports = [language.layout.debug_port] if "debugpy" in _dev_tools(ctx) else []
    return p


def _dev_tools(ctx: PlanContext) -> list[str]:
    from imagetailor.generate.assembler import purpose_tools

    return purpose_tools(ctx.spec, "dev")
