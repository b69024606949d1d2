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
from collections.abc import Iterator
from dataclasses import dataclass

from imagetailor.analysis.elf import ElfInfo, parse
from imagetailor.analysis.tree import MergedTree

MAX_PROBLEMS = 20
MAX_OBJECTS = 4000  # shared objects followed per image
_PYTHON = re.compile(r"^python(\d+(\.\d+)?)?$")
_PY_VALUE_OPTIONS = {"-W", "-X", "--check-hash-based-pycs"}
_NODE_VALUE_OPTIONS = {"-r", "--require", "--import", "--loader", "--experimental-loader",
                       "--env-file", "--conditions", "-C", "--title"}  # fmt: skip
_IMPORT = re.compile(r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\b|\bimport\s+([A-Za-z_][\w.]*)")
_TRIPLETS = {"EM_X86_64": "x86_64-linux-gnu", "EM_AARCH64": "aarch64-linux-gnu",
             "EM_386": "i386-linux-gnu", "EM_ARM": "arm-linux-gnueabihf",
             "EM_PPC64": "powerpc64le-linux-gnu", "EM_S390": "s390x-linux-gnu",
             "EM_RISCV": "riscv64-linux-gnu"}  # fmt: skip


@dataclass(frozen=True)
class StartProblem:
    kind: str  # "target" (what the interpreter runs), "library", "interpreter" (PT_INTERP)
    path: str
    message: str


class _Tree:
    """The merged tree with the lookups the checks need (children of a folder, ELF facts)."""

    def __init__(self, tree: MergedTree) -> None:
        self.tree = tree
        self._children: dict[str, set[str]] | None = None

    def find(self, path: str) -> str | None:
        """The resolved relative path of an existing non-folder at ``path``, else None."""
        resolved = self.tree.resolve(path.lstrip("/"))
        node = self.tree.nodes.get(resolved) if resolved is not None else None
        return resolved if node is not None and node.kind != "dir" else None

    def is_dir(self, path: str) -> bool:
        resolved = self.tree.resolve(path.lstrip("/"))
        node = self.tree.nodes.get(resolved) if resolved is not None else None
        return node is not None and node.kind == "dir"

    def children(self, folder: str) -> set[str]:
        if self._children is None:
            self._children = {}
            for path in self.tree.nodes:
                parent, _, name = path.rpartition("/")
                self._children.setdefault(parent, set()).add(name)
        resolved = self.tree.resolve(folder.lstrip("/"))
        return self._children.get(resolved or "", set()) if resolved is not None else set()

    def elf(self, path: str) -> ElfInfo | None:
        node = self.tree.nodes.get(path)
        return parse(node.data) if node is not None else None

    def paths_under(self, folder: str) -> Iterator[str]:
        prefix = folder.strip("/") + "/"
        for path in self.tree.nodes:
            if path.startswith(prefix):
                yield path


def start_problems(
    argv: list[str], workdir: str, env: dict[str, str], program: str | None, tree: MergedTree
) -> list[StartProblem]:
    """What stops ``argv`` (entrypoint + cmd) from starting; ``program`` is the resolved path of
    argv[0] (None when it is missing, which TP203 reports)."""
    if not argv or program is None:
        return []
    view = _Tree(tree)
    problems: list[StartProblem] = []
    roots = [program.lstrip("/")]
    name = posixpath.basename(argv[0])
    resolved_name = posixpath.basename(program)
    workdir = workdir or "/"
    if _PYTHON.match(name) or _PYTHON.match(resolved_name):
        problems += _python(argv[1:], workdir, env, view)
        roots += [p for d in _python_path(workdir, env, view) for p in _objects(view, d)]
    elif name in ("node", "nodejs") or resolved_name in ("node", "nodejs"):
        problems += _node(argv[1:], workdir, view)
        roots += list(_objects(view, posixpath.join(workdir, "node_modules")))
    problems += _libraries(roots, env, view)
    return problems[:MAX_PROBLEMS]


# --- Python -----------------------------------------------------------------------------------


def _python_path(workdir: str, env: dict[str, str], view: _Tree) -> list[str]:
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


def _module_exists(module: str, dirs: list[str], view: _Tree, runnable: bool) -> bool:
    """Whether `import module` (or, ``runnable``, `python -m module`) finds it."""
    parts = module.split(".")
    for directory in dirs:
        base = posixpath.join(directory, *parts)
        folder, leaf = posixpath.split(base)
        names = view.children(folder)
        if leaf in names and view.is_dir(base):
            if not runnable or {"__main__.py", "__main__.pyc"} & view.children(base):
                return True
            continue
        if f"{leaf}.py" in names or f"{leaf}.pyc" in names:
            return True
        if any(n.startswith(f"{leaf}.") and n.endswith(".so") for n in names):
            return True
    return False


def _python(args: list[str], workdir: str, env: dict[str, str], view: _Tree) -> list[StartProblem]:
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
                return [_missing("target", module, f"the module {module} the -c code imports")]
        return []
    if args[index] == "-m":
        module = args[index + 1] if index + 1 < len(args) else ""
        if not module:
            return []
        if not _module_exists(module, dirs, view, runnable=True):
            return [_missing("target", module, f"the module {module} that python -m runs")]
        return _server_app(module, args[index + 2 :], dirs, env, view)
    script = posixpath.join(workdir, args[index])
    if view.find(script) is None:
        return [_missing("target", script, f"the script {posixpath.normpath(script)}")]
    return []


def _server_app(
    module: str, args: list[str], dirs: list[str], env: dict[str, str], view: _Tree
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
        return [_missing("target", target, what)]
    return []


# --- Node -------------------------------------------------------------------------------------


def _node(args: list[str], workdir: str, view: _Tree) -> list[StartProblem]:
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
    if not any(view.find(c) for c in candidates):
        return [_missing("target", target, f"the script {posixpath.normpath(target)} node runs")]
    return []


# --- shared libraries -------------------------------------------------------------------------


def _objects(view: _Tree, folder: str) -> Iterator[str]:
    """ELF objects (with a summary) under a folder: extension modules, addons, bundled libs."""
    count = 0
    for path in view.paths_under(folder):
        shared = path.endswith((".so", ".node")) or ".so." in path.rsplit("/", 1)[-1]
        if shared and view.elf(path) is not None:
            count += 1
            if count > MAX_OBJECTS:
                return
            yield path


def _search_dirs(info: ElfInfo, origin: str, env: dict[str, str], conf: list[str]) -> list[str]:
    """Where ld.so looks, in its order: DT_RPATH (without DT_RUNPATH), LD_LIBRARY_PATH,
    DT_RUNPATH, ld.so.conf's folders, then the default ones."""

    def expand(paths: tuple[str, ...]) -> list[str]:
        return [p.replace("$ORIGIN", origin).replace("${ORIGIN}", origin) for p in paths if p]

    triplet = _TRIPLETS.get(info.machine, "x86_64-linux-gnu")
    dirs = expand(info.rpath) if not info.runpath else []
    dirs += [d for d in env.get("LD_LIBRARY_PATH", "").split(":") if d]
    dirs += expand(info.runpath)
    dirs += conf
    dirs += [f"/lib/{triplet}", f"/usr/lib/{triplet}", "/lib", "/usr/lib", "/lib64", "/usr/lib64",
             "/usr/local/lib"]  # fmt: skip
    return dirs


def _ld_conf(view: _Tree) -> list[str]:
    """Folders named in /etc/ld.so.conf and /etc/ld.so.conf.d/*.conf (when they were read)."""
    found: list[str] = []
    files = ["etc/ld.so.conf"] + [
        f"etc/ld.so.conf.d/{n}" for n in sorted(view.children("etc/ld.so.conf.d"))
        if n.endswith(".conf")
    ]  # fmt: skip
    for path in files:
        node = view.tree.nodes.get(path)
        data = node.data if node is not None else None
        for line in (data or b"").decode("utf-8", "replace").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("/"):
                found.append(line)
    return found


def _libraries(roots: list[str], env: dict[str, str], view: _Tree) -> list[StartProblem]:
    conf = _ld_conf(view)
    problems: list[StartProblem] = []
    seen: set[str] = set()
    missing: set[str] = set()
    queue = [r for r in roots if r]
    while queue and len(seen) < MAX_OBJECTS:
        path = queue.pop(0)
        resolved = view.find(path)
        if resolved is None or resolved in seen:
            continue
        seen.add(resolved)
        info = view.elf(resolved)
        if info is None or not info.complete:
            continue
        loader = info.interpreter
        if loader and view.find(loader) is None and loader not in missing:
            missing.add(loader)
            what = f"the program loader {loader} that /{resolved} needs"
            problems.append(_missing("interpreter", loader, what))
        origin = "/" + posixpath.dirname(resolved)
        dirs = _search_dirs(info, origin, env, conf)
        for library in info.needed:
            found = next(
                (p for d in dirs if (p := view.find(posixpath.join(d, library))) is not None),
                None,
            )
            if found is None and library not in missing:
                missing.add(library)
                what = f"the shared library {library} that /{resolved} needs"
                problems.append(_missing("library", library, what))
            elif found is not None and found not in seen:
                queue.append(found)
    return problems


def _missing(kind: str, path: str, what: str) -> StartProblem:
    return StartProblem(kind, path, f"{what} is not in the image")
