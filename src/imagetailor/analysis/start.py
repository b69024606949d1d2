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
    """The merged tree with the lookups the checks need (children of a folder, ELF facts, what
    the image's user may read)."""

    def __init__(self, tree: MergedTree, user: str | None = None) -> None:
        self.tree = tree
        self._children: dict[str, set[str]] | None = None
        self.who = _identity(tree, user)
        self.denied: list[str] = []  # found, but the user cannot read it
        self._elf: dict[str, ElfInfo | None] = {}

    def readable(self, path: str) -> bool:
        """Whether the image's user can reach and read ``path`` (root, or no user: always)."""
        if self.who is None:
            return True
        uid, gids = self.who
        resolved = self.tree.resolve(path.lstrip("/"))
        if resolved is None:
            return False
        parts = resolved.split("/") if resolved else []
        for depth in range(len(parts) + 1):
            node = self.tree.nodes.get("/".join(parts[:depth]))
            if node is None:
                continue
            last = depth == len(parts)
            need = (0o4 | (0o1 if node.kind == "dir" else 0)) if last else 0o1
            if node.uid == uid:
                bits = node.mode >> 6
            elif node.gid in gids:
                bits = node.mode >> 3
            else:
                bits = node.mode
            if bits & need != need:
                return False
        return True

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
        # Memoised: the object scan, the platform filter and the loader walk ask for the same
        # objects' summaries.
        if path not in self._elf:
            node = self.tree.nodes.get(path)
            self._elf[path] = parse(node.data) if node is not None else None
        return self._elf[path]

    def paths_under(self, folder: str) -> Iterator[str]:
        prefix = folder.strip("/") + "/"
        for path in self.tree.nodes:
            if path.startswith(prefix):
                yield path


def _identity(tree: MergedTree, user: str | None) -> tuple[int, set[int]] | None:
    """The image user's uid and gids (None for root or when the name cannot be resolved)."""
    name, _, group = (user or "").partition(":")
    if name in ("", "0", "root"):
        return None

    def table(path: str) -> list[list[str]]:
        node = tree.nodes.get(path)
        data = node.data if node is not None else None
        return [line.split(":") for line in (data or b"").decode("utf-8", "replace").splitlines()]

    passwd = {row[0]: row for row in table("etc/passwd") if len(row) >= 4}
    if name.isdigit():
        uid = int(name)
        gid = next((int(r[3]) for r in passwd.values() if r[2] == name and r[3].isdigit()), uid)
    elif name in passwd and passwd[name][2].isdigit() and passwd[name][3].isdigit():
        uid, gid = int(passwd[name][2]), int(passwd[name][3])
    else:
        return None
    groups = {gid}
    for row in table("etc/group"):
        if len(row) >= 4 and row[2].isdigit() and name in row[3].split(","):
            groups.add(int(row[2]))
    if group.isdigit():
        groups = {int(group)}
    return uid, groups


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
    view = _Tree(tree, user)
    problems: list[StartProblem] = []
    roots = [program.lstrip("/")]
    name = posixpath.basename(argv[0])
    resolved_name = posixpath.basename(program)
    workdir = workdir or "/"
    if _PYTHON.match(name) or _PYTHON.match(resolved_name):
        problems += _folders(env.get("PYTHONPATH", "").split(":"), "the PYTHONPATH folder", view)
        problems += _python(argv[1:], workdir, env, view)
        roots += [p for d in _python_path(workdir, env, view) for p in _objects(view, d)]
    elif name in ("node", "nodejs") or resolved_name in ("node", "nodejs"):
        modules = posixpath.join(workdir, "node_modules")
        problems += _folders([modules], "the dependency folder", view)
        problems += _node(argv[1:], workdir, view)
        roots += list(_objects(view, posixpath.join(workdir, "node_modules")))
    problems += _libraries([roots[0], *_loadable(view, roots[0], roots[1:])], env, view)
    return problems[:MAX_PROBLEMS]


def _flavour(info: ElfInfo) -> str:
    """The C library an object is built for: musl or glibc ("" when it does not say)."""
    names = [posixpath.basename(info.interpreter or ""), *info.needed]
    if any("musl" in n for n in names):
        return "musl"
    return "glibc" if any(n.startswith(("libc.so.", "ld-linux")) for n in names) else ""


def _loadable(view: _Tree, program: str, objects: list[str]) -> list[str]:
    """The objects the program could load: packages ship prebuilt addons for other machines and
    C libraries (bcrypt's prebuilds/linux-arm, *.musl.node), which their loaders never open."""
    resolved = view.find(program)
    info = view.elf(resolved) if resolved is not None else None
    if info is None:
        return objects
    flavour = _flavour(info)
    kept = []
    for path in objects:
        other = view.elf(path)
        if other is not None and other.machine != info.machine:
            continue
        if other is not None and flavour and _flavour(other) not in ("", flavour):
            continue
        kept.append(path)
    return kept


def _folders(paths: list[str], what: str, view: _Tree) -> list[StartProblem]:
    """Folders the runtime imports from must be readable by the image's user (a folder made
    0700 by a build step hides every module in it)."""
    for path in paths:
        if path.startswith("/") and view.is_dir(path) and not view.readable(path):
            return [_unreadable(view, path, f"{what} {path}")]
    return []


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
        return [_missing("target", target, what, view)]
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
    found = [c for c in candidates if view.find(c)]
    what = f"the script {posixpath.normpath(target)} node runs"
    if not found:
        return [_missing("target", target, what)]
    if not view.readable(found[0]):
        return [_unreadable(view, found[0], what)]
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


def _missing(kind: str, path: str, what: str, view: _Tree | None = None) -> StartProblem:
    if view is not None and view.denied:
        return _unreadable(view, view.denied[0], what)
    return StartProblem(kind, path, f"{what} is not in the image")


def _unreadable(view: _Tree, path: str, what: str) -> StartProblem:
    uid = view.who[0] if view.who else 0
    return StartProblem(
        "target",
        path,
        f"{what} is in the image, but its user (uid {uid}) cannot read /{path.lstrip('/')}",
    )
