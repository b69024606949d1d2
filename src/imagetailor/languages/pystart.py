"""How a Python app starts: found from its framework and files, and rendered for deploy without a
shell (a server's console script runs as ``python -m server``; ``$PORT`` in arguments is
expanded by a one-line launcher in the interpreter itself)."""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.generate.plan import PlanContext
from imagetailor.languages.facts import Facts, Unknown
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.plugin import Language
from imagetailor.languages.pydeps import PyMeta
from imagetailor.languages.shellcmd import render_word, script_start, script_steps

# Expands $NAME, ${NAME} and ${NAME:-default} in the arguments from the environment, then runs
# `-m module` or a script as __main__. One line, so it lives in the exec-form ENTRYPOINT; the
# `tailor_launch` marker lets `tailor check` read the real command behind it.
LAUNCHER = (
    "tailor_launch=1;import os,re,runpy,sys;"
    "e=lambda m:os.environ.get(m[1] or m[3]) or (m[2] or '');"
    "a=[re.sub(r'\\$\\{(\\w+)(?::-([^}]*))?\\}|\\$(\\w+)',e,x) for x in sys.argv[1:]];"
    "m=a[0]=='-m';sys.argv=a[1:] if m else a;"
    "runpy.run_module(a[1],run_name='__main__',alter_sys=True) if m "
    "else runpy.run_path(a[0],run_name='__main__')"
)
_PY = re.compile(r"^(?:.*/)?python(?:3(?:\.\d+)?)?$")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SETTINGS = re.compile(r"DJANGO_SETTINGS_MODULE[\"'],\s*[\"']([\w.]+)[\"']")
_FLASK = re.compile(r"^(\w+)\s*=\s*Flask\(", re.M)
_FACTORY = re.compile(r"^def\s+(create_app|make_app)\s*\(", re.M)
_ASGI = re.compile(r"^(\w+)\s*=\s*(FastAPI|Starlette|Litestar|Quart)\(", re.M)
_MAIN_GUARD = re.compile(r"^if\s+__name__\s*==\s*[\"']__main__[\"']\s*:", re.M)
BOOT_SCRIPTS = ("boot.sh", "entrypoint.sh", "docker-entrypoint.sh", "start.sh", "run.sh")


def django_dir(files: ProjectFiles, language: Language) -> str | None:
    """The folder holding manage.py: "" (the root) or one the language data names (src/, where
    layouts that keep the project out of the repository root put it); None when not Django."""
    for folder in ["", *(str(d) for d in language.extra.get("django_dirs", []))]:
        if files.exists(f"{folder}/manage.py" if folder else "manage.py"):
            return folder
    return None


def django_manage(folder: str) -> str:
    """manage.py as commands run from the project root (build, ci) name it."""
    return f"{folder}/manage.py" if folder else "manage.py"


def django_settings(files: ProjectFiles, folder: str = "") -> str | None:
    """settings.py named by manage.py's DJANGO_SETTINGS_MODULE, as a project path."""
    match = _SETTINGS.search(files.text(django_manage(folder)) or "")
    if not match:
        return None
    path = match.group(1).replace(".", "/") + ".py"
    path = f"{folder}/{path}" if folder else path
    return path if files.exists(path) else None


def _packages(files: ProjectFiles, meta: PyMeta) -> list[str]:
    """Import packages at the root or under src/, the manifest's name first."""
    wanted = meta.name.replace("-", "_").lower()
    found = [n for n in files.root_names if files.exists(f"{n}/__init__.py")]
    found += [f"src/{n}" for n in _src_dirs(files) if files.exists(f"src/{n}/__init__.py")]
    return sorted(found, key=lambda p: (p.rsplit("/", 1)[-1].lower() != wanted, p))


def _src_dirs(files: ProjectFiles) -> list[str]:
    if not files.is_dir("src"):
        return []
    try:
        return sorted(
            n for n in os.listdir(files.root / "src") if (files.root / "src" / n).is_dir()
        )
    except OSError:
        return []


def _module(path: str) -> str:
    return path.removeprefix("src/").removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _candidates(files: ProjectFiles, packages: list[str]) -> list[str]:
    root = ["app.py", "main.py", "wsgi.py", "asgi.py", "server.py", "application.py", "api.py"]
    inside = ["__init__.py", "app.py", "main.py", "wsgi.py", "asgi.py", "server.py", "api.py"]
    paths = [p for p in root if files.exists(p)]
    for package in packages:
        paths += [f"{package}/{n}" for n in inside if files.exists(f"{package}/{n}")]
    return paths


def _server(meta: PyMeta, files: ProjectFiles, name: str) -> bool:
    if meta.has(name):
        return True
    locks = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
    return any(
        re.search(rf"(?im)^name\s*=\s*\"{name}\"|\"{name}\":", files.text(f) or "") for f in locks
    )


def detect_start(files: ProjectFiles, language: Language, meta: PyMeta, facts: Facts) -> None:
    for script in BOOT_SCRIPTS:
        words = script_start(files.text(script) or "")
        if words:
            facts.start, facts.start_source = words, script
            facts.note(f"start from {script}: {' '.join(words)}")
            steps = script_steps(files.text(script) or "")
            if steps:
                facts.note(
                    f"{script} also runs {'; '.join(steps)}: deploy has no shell to run them, "
                    "so run them as a release job (or an init container) before it starts"
                )
            _port_from_args(words, facts)
            return
    folder = django_dir(files, language)
    if folder is not None and meta.has("django"):
        _django(files, meta, facts, folder)
        return
    if meta.scripts_start:
        facts.start, facts.start_source = meta.scripts_start, "[tool.pdm.scripts] start"
        _port_from_args(meta.scripts_start, facts)
        return
    packages = _packages(files, meta)
    for path in _candidates(files, packages):
        text = files.text(path) or ""
        module = _module(path)
        asgi, flask, factory = _ASGI.search(text), _FLASK.search(text), _FACTORY.search(text)
        if asgi and meta.runtime & {"fastapi", "starlette", "litestar", "quart"}:
            target = f"{module}:{asgi.group(1)}"
            if _MAIN_GUARD.search(text) and re.search(r"\b(uvicorn|hypercorn)\.run\(", text):
                # The module starts its own production server: that is how it runs.
                facts.start, facts.start_source = ["python", path], f"{path} runs uvicorn"
                _port_from_code(text, facts)
                return
            for server in ("uvicorn", "hypercorn", "gunicorn"):
                if _server(meta, files, server):
                    facts.start = (
                        [server, target]
                        if server != "gunicorn"
                        else [server, "-k", "uvicorn.workers.UvicornWorker", target]
                    )
                    facts.start_source = f"{asgi.group(2)} app in {path}"
                    facts.port = 8000
                    return
            if _MAIN_GUARD.search(text):
                facts.start, facts.start_source = ["python", path], f"{path} runs itself"
                return
        if (flask or factory) and meta.has("flask"):
            if flask:
                target = f"{module}:{flask.group(1)}"
            else:
                assert factory is not None
                target = f"{module}:{factory.group(1)}()"
            # `flask --app pkg` finds app, application, create_app and make_app by itself.
            attr = target.split(":", 1)[1]
            standard = attr in ("app", "application", "create_app()", "make_app()")
            flask_target = module if standard else target.replace("()", "")
            if _server(meta, files, "gunicorn"):
                facts.start, facts.port = ["gunicorn", target], 8000
            elif _MAIN_GUARD.search(text) and flask:
                facts.start, facts.port = ["python", path], 5000
            else:
                facts.start, facts.port = ["flask", "--app", flask_target, "run"], 5000
                facts.note("Flask's development server starts it: add gunicorn for production")
            facts.start_source = f"Flask app in {path}"
            return
    if meta.scripts:
        wanted = meta.name
        choice = (
            wanted
            if wanted in meta.scripts
            else (next(iter(meta.scripts)) if len(meta.scripts) == 1 else "")
        )
        if choice:
            facts.start, facts.start_source = [choice], "[project.scripts]"
            return
        facts.choices["app.start"] = [f'["{s}"]' for s in meta.scripts]
    for package in packages:
        if files.exists(f"{package}/__main__.py"):
            facts.start = ["python", "-m", _module(package)]
            facts.start_source = f"{package}/__main__.py"
            return
    scripts = [
        n
        for n in files.root_names
        if n.endswith(".py")
        and not re.match(r"(test_.*|.*_test|tests?|conftest|setup)\.py$", n)
        and _MAIN_GUARD.search(files.text(n) or "")
    ]
    preferred = [s for s in ("main.py", "app.py", "server.py", "run.py", "cli.py") if s in scripts]
    if preferred or len(scripts) == 1:
        chosen = (preferred or scripts)[0]
        facts.start, facts.start_source = ["python", chosen], f"{chosen} has a __main__ block"
        return
    why = "no Procfile, boot script, framework app, [project.scripts], __main__.py or script"
    facts.unknowns.append(Unknown("app.start", why, "python -m mypackage"))


def _django(files: ProjectFiles, meta: PyMeta, facts: Facts, folder: str) -> None:
    settings = django_settings(files, folder)
    package = PurePosixPath(settings).parent.as_posix() if settings else ""
    wsgi = files.exists(f"{package}/wsgi.py") if package else False
    asgi = files.exists(f"{package}/asgi.py") if package else False
    project = package.removeprefix(f"{folder}/" if folder else "").replace("/", ".")
    # The servers import the project from the folder manage.py is in, as manage.py does.
    where = {"gunicorn": ["--chdir", folder], "uvicorn": ["--app-dir", folder]}
    facts.port, facts.start_source = 8000, f"Django project ({django_manage(folder)})"
    if wsgi and _server(meta, files, "gunicorn"):
        facts.start = ["gunicorn", *(where["gunicorn"] if folder else []), f"{project}.wsgi"]
    elif asgi and _server(meta, files, "uvicorn"):
        app = f"{project}.asgi:application"
        facts.start = ["uvicorn", *(where["uvicorn"] if folder else []), app]
    elif asgi and _server(meta, files, "daphne") and not folder:
        facts.start = ["daphne", f"{project}.asgi:application"]
    else:
        manage = django_manage(folder)
        facts.start = ["python", manage, "runserver", "0.0.0.0:$PORT", "--noreload"]
        facts.note("Django's development server starts it: add gunicorn for production")


def _port_from_code(text: str, facts: Facts) -> None:
    match = re.search(r"\bport\s*=\s*(\d{2,5})\b", text)
    if match:
        facts.port, facts.port_source = int(match.group(1)), "the code's run() call"


def _port_from_args(words: list[str], facts: Facts) -> None:
    for index, word in enumerate(words):
        value = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-b", "--bind", "--listen") or word.startswith(("--bind=", "-b")):
            value = word.split("=", 1)[1] if "=" in word else value
            match = re.search(r":(\d{2,5})$", value)
        elif word in ("--port", "-p") or word.startswith("--port="):
            value = word.split("=", 1)[1] if "=" in word else value
            match = re.fullmatch(r"(\d{2,5})", value)
        else:
            continue
        if match:
            facts.port, facts.port_source = int(match.group(1)), "the start command"
            return


# --- rendering for deploy and dev -------------------------------------------------------------


def _servers(language: Language) -> dict[str, dict[str, Any]]:
    servers = language.extra.get("servers", {})
    return servers if isinstance(servers, dict) else {}


def _with_listen(server: dict[str, Any], args: list[str], port: int) -> list[str]:
    """A server told no address listens on loopback only: add one that honours PORT."""
    binds = [str(o) for o in server.get("bind_options", [])]
    named = any(a in binds or any(a.startswith(f"{b}=") for b in binds) for a in args)
    if named or not server.get("listen"):
        return args
    listen = [str(w).replace("{port}", str(port)) for w in server["listen"]]
    return [*args, *listen]


def interpreter_args(ctx: PlanContext, files: ProjectFiles, workdir: str) -> list[str]:
    """The arguments after `python3` that start the app (no interpreter, no launcher)."""
    app, language = ctx.spec.app, ctx.language
    start = app.start
    if not start:
        raise UsageError("tailor.toml: app.start is empty; fix: give the start command")
    program, args = start[0], list(start[1:])
    servers = _servers(language)
    if _PY.match(program):
        if args[:1] == ["-m"] and len(args) > 1:
            return args
        if args and args[0].endswith(".py"):
            return [f"{workdir}/{args[0].removeprefix('./')}", *args[1:]]
        raise UsageError(
            f"tailor.toml: app.start: {' '.join(start)[:80]!r} runs neither a module (-m) nor "
            "a script; fix: e.g. start = ['python', '-m', 'mypackage']"
        )
    if program.endswith(".py"):
        return [f"{workdir}/{program.removeprefix('./')}", *args]
    if program in servers:
        server = servers[program]
        return ["-m", str(server["module"]), *_with_listen(server, args, app.port)]
    from imagetailor.languages.pydeps import read_meta

    target = read_meta(files).scripts.get(program, "")
    module, _, func = target.partition(":")
    func = func.split("[")[0].strip()
    if _DOTTED.match(module.strip()) and _DOTTED.match(func):
        if any("$" in a for a in args):
            raise UsageError(
                f"tailor.toml: app.start: the console script {program!r} cannot expand $ in "
                "its arguments without a shell; fix: use ['python', '-m', 'module', ...]"
            )
        code = (
            f"import sys;from {module.strip()} import {func};"
            f"sys.argv[0]={program!r};sys.exit({func}())"
        )
        return ["-c", code, *args]
    raise UsageError(
        f"tailor.toml: app.start: {program!r} is not python, a script, a known server "
        f"({', '.join(sorted(servers))}) or a [project.scripts] entry: deploy has no shell to "
        "find it; fix: start = ['python', '-m', 'module', ...]"
    )


def default_port(args: list[str], port: int) -> list[str]:
    """$PORT and ${PORT} get tailor.toml's port as their default: unset, they would expand to
    nothing (gunicorn --bind 0.0.0.0: exits at once)."""
    return [re.sub(r"\$\{PORT\}|\$PORT\b", f"${{PORT:-{port}}}", a) for a in args]


def deploy_argv(ctx: PlanContext, files: ProjectFiles) -> tuple[list[str], tuple[str, ...]]:
    interpreter = ctx.language.layout.interpreter
    args = default_port(interpreter_args(ctx, files, "/app"), ctx.spec.app.port)
    if any("$" in a for a in args) and args[:1] != ["-c"]:
        return [interpreter, "-c", LAUNCHER, *args], (
            "The one-line launcher expands ${PORT:-...} in the arguments from the environment",
            "(no shell in deploy), then runs the server as __main__.",
        )
    return [interpreter, *args], ()


def dev_argv(ctx: PlanContext, files: ProjectFiles) -> list[str]:
    """dev: the same command under the toolchain's python (and debugpy), through sh so $PORT
    expands; Django's and Flask's own development servers reload on change."""
    from imagetailor.generate.assembler import purpose_tools

    args = interpreter_args(ctx, files, ".")
    if args[:2] == ["-m", "gunicorn"] or args[:2] == ["-m", "uvicorn"]:
        args = [*args, "--reload"]
    if "debugpy" in purpose_tools(ctx.spec, "dev"):
        port = ctx.language.layout.debug_port
        args = ["-m", "debugpy", "--listen", f"0.0.0.0:{port}", *args]
    return ["/bin/sh", "-c", "exec python3 " + " ".join(render_word(a) for a in args)]
