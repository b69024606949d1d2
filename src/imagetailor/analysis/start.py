"""Can the image start? Beyond "the entrypoint file exists": what an interpreter is told to run
must exist (a Python script or ``-m`` module, a server's ``module:app``, a Node script or the
static site it serves), and every shared library the program, its extension modules and addons
need must resolve in the image, the way the dynamic loader would look for it.

Read from the merged tree and the ELF summaries that ride on it (analysis/elf.py); nothing is
run. The Python server conventions (gunicorn, uvicorn, flask, ...) come from the Python
plug-in's data, the same table the generator uses.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from imagetailor.analysis import loader
from imagetailor.analysis.tree import MergedTree
from imagetailor.analysis.treeview import TreeView

MAX_PROBLEMS = 20
_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
_PY_VALUE_OPTIONS = {"-W", "-X", "--check-hash-based-pycs"}
_NODE_VALUE_OPTIONS = {"-r", "--require", "--import", "--loader", "--experimental-loader",
                       "--env-file", "--conditions", "-C", "--title"}  # fmt: skip
_IMPORT = re.compile(r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\b|\bimport\s+([A-Za-z_][\w.]*)")


@dataclass(frozen=True)
class StartProblem:
    kind: str  # "target" (what the interpreter runs), "library", "interpreter" (PT_INTERP)
    path: str
    message: str


def start_problems(
    argv: list[str],
    workdir: str,
    env: dict[str, str],
    program: str | None,
    tree: MergedTree,
    user: str | None = None,
) -> list[StartProblem]:
    """What stops ``argv`` (entrypoint + cmd) from starting as ``user``; ``program`` is the
    resolved path of argv[0] (None when it is missing, which TP203 reports)."""
    if not argv or program is None:
        return []
    view = TreeView(tree, user)
    problems: list[StartProblem] = []
    roots = [program.lstrip("/")]
    name = posixpath.basename(argv[0])
    resolved_name = posixpath.basename(program)
    workdir = workdir or "/"
    if _PYTHON.match(name) or _PYTHON.match(resolved_name):
        problems += _folders(env.get("PYTHONPATH", "").split(":"), "the PYTHONPATH folder", view)
        problems += _python(argv[1:], workdir, env, view)
        roots += [p for d in _python_path(workdir, env, view) for p in loader.objects(view, d)]
    elif name in ("node", "nodejs") or resolved_name in ("node", "nodejs"):
        modules = posixpath.join(workdir, "node_modules")
        problems += _folders([modules], "the dependency folder", view)
        problems += _node(argv[1:], workdir, view)
        roots += list(loader.objects(view, posixpath.join(workdir, "node_modules")))
    walked = loader.walk([roots[0], *loader.loadable(view, roots[0], roots[1:])], env, view)
    for kind, name, needed_by in walked.missing:
        what = "program loader" if kind == "interpreter" else "shared library"
        problems.append(_missing(kind, name, f"the {what} {name} that /{needed_by} needs"))
    return problems[:MAX_PROBLEMS]


def _folders(paths: list[str], what: str, view: TreeView) -> list[StartProblem]:
    """Folders the runtime imports from must be readable by the image's user (a folder made
    0700 by a build step hides every module in it)."""
    for path in paths:
        if path.startswith("/") and view.is_dir(path) and not view.readable(path):
            return [_unreadable(view, path, f"{what} {path}")]
    return []


# --- Python -----------------------------------------------------------------------------------


def _python_path(workdir: str, env: dict[str, str], view: TreeView) -> list[str]:
    """sys.path as the image's interpreter would build it (cwd first for -m and -c)."""
    dirs = [workdir]
    dirs += [d for d in env.get("PYTHONPATH", "").split(":") if d.startswith("/")]
    for lib in ("usr/lib", "usr/local/lib"):
        for entry in sorted(view.children(lib)):
            if re.fullmatch(r"python3(\.\d+)?", entry):
                base = f"/{lib}/{entry}"
                dirs += [base, f"{base}/lib-dynload", f"{base}/site-packages"]
                dirs.append(f"/{lib}/python3/dist-packages")
    return list(dict.fromkeys(dirs))


def _module_exists(module: str, dirs: list[str], view: TreeView, runnable: bool) -> bool:
    """Whether `import module` (or, ``runnable``, `python -m module`) finds it."""
    parts = module.split(".")
    for directory in dirs:
        base = posixpath.join(directory, *parts)
        folder, leaf = posixpath.split(base)
        names = view.children(folder)
        found: list[str] = []
        if leaf in names and view.is_dir(base):
            main = {"__main__.py", "__main__.pyc"} & view.children(base)
            if not runnable or main:
                found.append(posixpath.join(base, sorted(main)[0]) if main else base)
        found += [
            posixpath.join(folder, f"{leaf}{s}") for s in (".py", ".pyc") if f"{leaf}{s}" in names
        ]
        found += [posixpath.join(folder, n) for n in sorted(names)
                  if n.startswith(f"{leaf}.") and n.endswith(".so")]  # fmt: skip
        for path in found:
            if view.readable(path):
                return True
            view.denied.append(path)
    return False


def _python(
    args: list[str], workdir: str, env: dict[str, str], view: TreeView
) -> list[StartProblem]:
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] not in ("-m", "-c"):
        index += 2 if args[index] in _PY_VALUE_OPTIONS else 1
    if index >= len(args):
        return []
    dirs = _python_path(workdir, env, view)
    if args[index] == "-c":
        code = args[index + 1] if index + 1 < len(args) else ""
        if "tailor_launch" in code:
            return _python(args[index + 2 :], workdir, env, view)
        # `from pkg.cli import main` is the application; bare `import sys` is the stdlib.
        modules = [m.group(1) for m in _IMPORT.finditer(code) if m.group(1)]
        for module in modules[:3]:
            if not _module_exists(module, dirs, view, runnable=False):
                what = f"the module {module} the -c code imports"
                return [_missing("target", module, what, view)]
        return []
    if args[index] == "-m":
        module = args[index + 1] if index + 1 < len(args) else ""
        if not module:
            return []
        if not _module_exists(module, dirs, view, runnable=True):
            return [_missing("target", module, f"the module {module} that python -m runs", view)]
        return _server_app(module, args[index + 2 :], dirs, env, view)
    script = posixpath.join(workdir, args[index])
    if view.find(script) is None:
        return [_missing("target", script, f"the script {posixpath.normpath(script)}")]
    if not view.readable(script):
        return [_unreadable(view, script, f"the script {posixpath.normpath(script)}")]
    return []


def _server_app(
    module: str, args: list[str], dirs: list[str], env: dict[str, str], view: TreeView
) -> list[StartProblem]:
    """A server's application reference (gunicorn app.wsgi:application, flask --app x)."""
    from imagetailor import languages

    servers = languages.plugin("python").data.extra.get("servers", {})
    server = next((s for s in servers.values() if s.get("module") == module), None)
    if not isinstance(server, dict) or server.get("app") not in ("positional", "flask"):
        return []
    reference = None
    values = set(server.get("value_options", []))
    index = 0
    while index < len(args):
        word = args[index]
        if server["app"] == "flask" and word in ("-A", "--app"):
            reference = args[index + 1] if index + 1 < len(args) else None
            break
        if server["app"] == "flask" and word.startswith("--app="):
            reference = word.split("=", 1)[1]
            break
        if word.startswith("-"):
            index += 2 if word in values else 1
            continue
        if server["app"] == "positional":
            reference = word
            break
        index += 1
    if server["app"] == "flask" and reference is None:
        reference = env.get("FLASK_APP")
    if not reference or "$" in reference:
        return []
    target = re.split(r"[:(]", reference, maxsplit=1)[0].removesuffix(".py").replace("/", ".")
    if target and not _module_exists(target, dirs, view, runnable=False):
        what = f"the application module {target} ({reference!r}) that {module} loads"
        return [_missing("target", target, what, view)]
    return []


# --- Node -------------------------------------------------------------------------------------


def _node(args: list[str], workdir: str, view: TreeView) -> list[StartProblem]:
    index = 0
    launcher = ""
    while index < len(args):
        word = args[index]
        if word in ("-e", "--eval", "-p", "--print"):
            code = args[index + 1] if index + 1 < len(args) else ""
            if "tailor_launch" in code:
                launcher = "launch"
            elif "tailor_static" in code:
                launcher = "static"
            else:
                return []  # code we cannot read: nothing to check
            index += 2
            continue
        if word == "--":
            index += 1
            break
        if not word.startswith("-"):
            break
        index += 2 if word in _NODE_VALUE_OPTIONS else 1
    if index >= len(args):
        return []
    target = posixpath.join(workdir, args[index])
    if launcher == "static":
        if not view.is_dir(target) or view.find(posixpath.join(target, "index.html")) is None:
            return [_missing("target", target, f"the site {target} with an index.html")]
        return []
    candidates = [target, *(target + s for s in (".js", ".mjs", ".cjs", ".json"))]
    candidates += [posixpath.join(target, n) for n in ("index.js", "index.mjs", "index.cjs")]
    found = [c for c in candidates if view.find(c)]
    what = f"the script {posixpath.normpath(target)} node runs"
    if not found:
        return [_missing("target", target, what)]
    if not view.readable(found[0]):
        return [_unreadable(view, found[0], what)]
    return []


def _missing(kind: str, path: str, what: str, view: TreeView | None = None) -> StartProblem:
    if view is not None and view.denied:
        return _unreadable(view, view.denied[0], what)
    return StartProblem(kind, path, f"{what} is not in the image")


def _unreadable(view: TreeView, path: str, what: str) -> StartProblem:
    uid = view.who[0] if view.who else 0
    return StartProblem(
        "target",
        path,
        f"{what} is in the image, but its user (uid {uid}) cannot read /{path.lstrip('/')}",
    )
