"""What the image's start command needs, an estimate read from the merged tree (nothing is run).

The closure of ENTRYPOINT + CMD: the program, what a script's ``#!`` line names, the program
loader (PT_INTERP) and every DT_NEEDED library, recursively, as ld.so would find them
(analysis/loader.py); for an interpreter (python3, node, ruby, php, java) its runtime and package
folders (data/closure.toml) and the ELF objects in them; the application (WORKDIR and what the
command names by path); CA certificates, time zones and the few /etc files every program reads.

What it cannot see: libraries opened with dlopen (NSS modules, plug-ins, Python's ctypes), other
programs the application runs, and files it opens by a path it computes. ``needed_bytes`` is a
lower bound of what a smaller image must hold, not a proof that it would start.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from imagetailor.analysis import loader
from imagetailor.analysis.tree import MergedTree, Node
from imagetailor.analysis.treeview import TreeView
from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError

if TYPE_CHECKING:
    from imagetailor.analysis.model import ConfigSummary, NeededBytes

MAX_UNNEEDED_LISTED = 10
UNNEEDED_DEPTH = 3  # unneeded bytes are summed per folder this deep (/usr/share/doc)
MAX_WORDS = 64  # words of the command (and of a `sh -c` string) looked at
_SYSTEM_LIBS = ("lib/", "lib64/", "usr/lib/", "usr/lib64/", "lib32/", "usr/lib32/")
_LAUNCHERS = {"sh", "bash", "dash", "ash", "busybox", "env", "tini", "dumb-init", "gosu",
              "su-exec", "exec", "nice", "setpriv", "catatonit"}  # fmt: skip


@dataclass
class Runtime:
    name: str
    programs: list[re.Pattern[str]]
    dirs: list[str]
    env: list[str]
    base: str | None


@dataclass
class ClosureData:
    always: list[str]
    system: set[str]
    bases: dict[str, str]
    base_libraries: list[str]
    cc_libraries: list[str]
    runtimes: list[Runtime]


def closure_data() -> ClosureData:
    data = load_catalogue("closure.toml", "TAILOR_CLOSURE")

    def strings(value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else []

    runtimes = []
    for name, spec in sorted((data.get("runtimes") or {}).items()):
        if isinstance(spec, dict):
            base = spec.get("base")
            try:
                programs = [re.compile(p) for p in strings(spec.get("programs"))]
            except re.error as error:
                raise UsageError(f"closure catalogue: runtime {name!r}: {error}") from None
            runtimes.append(
                Runtime(
                    name,
                    programs,
                    strings(spec.get("dirs")),
                    strings(spec.get("env")),
                    str(base) if base else None,
                )
            )
    bases = data.get("bases") or {}
    return ClosureData(
        always=strings(data.get("always")),
        system={s.rstrip("/") or "/" for s in strings(data.get("system"))},
        bases={k: str(v) for k, v in bases.items() if isinstance(v, str)},
        base_libraries=strings(bases.get("base_libraries")),
        cc_libraries=strings(bases.get("cc_libraries")),
        runtimes=runtimes,
    )


@dataclass
class Closure:
    needed_bytes: int = 0
    file_count: int = 0
    runtime: str | None = None
    smallest_base: str | None = None
    base_reason: str = ""
    libraries: list[str] = field(default_factory=list)  # sonames of the libraries loaded
    unresolved: list[str] = field(default_factory=list)
    unneeded: list[tuple[str, int]] = field(default_factory=list)  # (folder, bytes), biggest first
    complete: bool = True  # False: an ELF object could not be read whole


class _Collector:
    def __init__(self, tree: MergedTree, data: ClosureData, env: dict[str, str]) -> None:
        self.view = TreeView(tree)
        self.data = data
        self.env = env
        self.files: set[str] = set()
        self.dirs: set[str] = set()
        self.roots: list[str] = []  # programs whose loader walk counts
        self.runtimes: list[Runtime] = []
        self.system_files = False  # any of data.always is in the image

    def add(self, path: str, whole_dir: bool = True) -> str | None:
        """Count ``path`` (a file, or a folder and all below it); the resolved path or None."""
        resolved = self.view.tree.resolve(path.lstrip("/"))
        node = self.view.tree.nodes.get(resolved) if resolved is not None else None
        if node is None or resolved is None:
            return None
        if node.kind == "dir":
            if whole_dir and "/" + resolved not in self.data.system and resolved:
                self.dirs.add(resolved)
        else:
            self.files.add(resolved)
        return resolved

    def add_pattern(self, pattern: str, prefix: str) -> None:
        path = pattern.replace("{prefix}", prefix)
        folder, leaf = posixpath.split(posixpath.normpath(path))
        if any(ch in leaf for ch in "*?["):
            for name in sorted(self.view.children(folder)):
                if fnmatch.fnmatchcase(name, leaf):
                    self.add(posixpath.join(folder, name))
        else:
            self.add(path)

    def program(self, path: str, name: str) -> None:
        """A program the command runs: itself, its script's interpreter, its runtime."""
        resolved = self.add(path, whole_dir=False)
        if resolved is None or resolved in self.roots:
            return
        self.roots.append(resolved)
        node = self.view.tree.nodes.get(resolved)
        head = node.data if node is not None else None
        if head is not None and head.startswith(b"#!"):
            words = head[2:].decode("utf-8", "replace").split()
            if words and posixpath.basename(words[0]) == "env" and len(words) > 1:
                self.program(words[0], "env")
                found = self.on_path(words[1])
                if found is not None:
                    self.program(found, words[1])
            elif words:
                self.program(words[0], posixpath.basename(words[0]))
        for runtime in self.data.runtimes:
            names = (posixpath.basename(name), posixpath.basename(resolved))
            if runtime not in self.runtimes and any(
                p.search(n) for p in runtime.programs for n in names
            ):
                self.runtimes.append(runtime)
                prefix = "/" + posixpath.dirname(posixpath.dirname(resolved))
                for pattern in runtime.dirs:
                    self.add_pattern(pattern, prefix.rstrip("/") or "/")
                for variable in runtime.env:
                    for folder in self.env.get(variable, "").split(":"):
                        if folder.startswith("/"):
                            self.add(folder)

    def on_path(self, word: str) -> str | None:
        for folder in self.env.get("PATH", "").split(":") or []:
            if folder.startswith("/") and self.view.find(posixpath.join(folder, word)):
                return posixpath.join(folder, word)
        return None


def needed(
    tree: MergedTree,
    argv: list[str],
    workdir: str,
    env: dict[str, str],
    program: str | None,
    data: ClosureData | None = None,
) -> Closure:
    """The closure of ``argv`` (entrypoint + cmd; ``program``: argv[0] resolved, None when it
    is missing) and the figures of it. ``env`` must hold the image's PATH."""
    data = data or closure_data()
    found = _Collector(tree, data, env)
    workdir = workdir or "/"
    if program is not None:
        found.program(program, argv[0] if argv else program)
        launcher = posixpath.basename(found.roots[0]) if found.roots else ""
        node = tree.nodes.get(found.roots[0]) if found.roots else None
        script = node is not None and (node.data or b"").startswith(b"#!")
        for word in _words(argv[1:]):
            if word.startswith("-"):
                continue
            candidate = posixpath.join(workdir, word)
            if "/" not in word and (script or launcher in _LAUNCHERS):
                candidate = found.on_path(word) or candidate
            resolved = found.view.find(candidate)
            node = tree.nodes.get(resolved) if resolved is not None else None
            if node is not None and node.mode & 0o111 and node.magic[:2] in (b"#!", b"\x7fE"):
                found.program(candidate, word)
            elif found.view.is_dir(candidate) or resolved is not None:
                found.add(candidate)
    if "/" + workdir.strip("/") not in data.system:
        found.add(workdir)
    for path in data.always:
        found.system_files |= found.add(path) is not None
    main = found.roots[0] if found.roots else ""
    objects = [o for d in sorted(found.dirs) for o in loader.objects(found.view, d)]
    objects = loader.loadable(found.view, main, objects)
    preloaded = {posixpath.basename(o): o for o in objects}
    walked = loader.walk([*found.roots, *objects], env, found.view, preloaded)
    found.files.update(walked.loaded)
    result = Closure(runtime=found.runtimes[0].name if found.runtimes else None)
    result.complete = not walked.incomplete
    result.unresolved = sorted({name for _, name, _ in walked.missing})
    # Sonames as the objects ask for them (libssl.so.3, not the file libssl.so.3.0.11).
    loaders = set(walked.loaders)
    result.libraries = sorted({n for p, n in walked.sonames.items() if p not in loaders})
    _sizes(tree, found.files, found.dirs, result)
    _choose_base(found, walked, data, result)
    return result


def _words(args: list[str]) -> Iterable[str]:
    """The command's words, with a `sh -c` string split into its words too."""
    words: list[str] = []
    for arg in args[:MAX_WORDS]:
        if any(ch in arg for ch in " \t;&|"):
            try:
                words += shlex.split(re.sub(r"[;&|]+", " ", arg))[:MAX_WORDS]
            except ValueError:
                continue
        else:
            words.append(arg)
    return words


def _sizes(tree: MergedTree, files: set[str], dirs: set[str], result: Closure) -> None:
    """Needed bytes (each stored blob once), and unneeded bytes per folder."""
    needed_blobs: set[int] = set()
    unneeded: dict[str, int] = {}
    pending: list[tuple[str, Node]] = []
    for path, node in tree.nodes.items():
        blob = node.content
        if blob is None:
            continue
        if path in files or _under(path, dirs):
            if id(blob) not in needed_blobs:
                needed_blobs.add(id(blob))
                result.needed_bytes += blob.size
                result.file_count += 1
        else:
            pending.append((path, blob))
    counted: set[int] = set()
    for path, blob in pending:
        if id(blob) in needed_blobs or id(blob) in counted:
            continue  # a hard link to a needed file costs nothing more
        counted.add(id(blob))
        parts = path.split("/")
        folder = "/" + "/".join(parts[: min(UNNEEDED_DEPTH, len(parts) - 1)])
        unneeded[folder] = unneeded.get(folder, 0) + blob.size
    ranked = sorted(unneeded.items(), key=lambda item: (-item[1], item[0]))
    result.unneeded = ranked[:MAX_UNNEEDED_LISTED]


def _under(path: str, dirs: set[str]) -> bool:
    if not dirs:
        return False
    slash = path.rfind("/")
    while slash > 0:
        if path[:slash] in dirs:
            return True
        slash = path.rfind("/", 0, slash)
    return False


def _choose_base(
    found: _Collector, walked: loader.LoadWalk, data: ClosureData, result: Closure
) -> None:
    """The smallest upstream image that holds what the closure needs from the system."""
    bases = data.bases
    infos = [found.view.elf(p) for p in walked.loaded]
    elves = [i for i in infos if i is not None]
    flavours = {loader.flavour(i) for i in elves} - {""}
    loaders = set(walked.loaders)
    dynamic = bool(loaders) or any(i.needed or i.interpreter for i in elves)
    runtime = found.runtimes[0] if found.runtimes else None
    if runtime is not None and runtime.base:
        result.smallest_base = runtime.base
        result.base_reason = f"the {runtime.name} runtime, with its packages and the app copied"
        return
    if not found.roots:
        result.base_reason = "the command's program is not in the image"
        return
    if not elves:
        result.base_reason = (
            "no ELF program found to judge by (a script whose interpreter is unknown)"
        )
        return
    if not result.complete:
        result.smallest_base = bases.get("cc")
        result.base_reason = "an ELF object could not be read whole: the safe choice"
        return
    if "musl" in flavours:
        result.smallest_base = bases.get("musl")
        result.base_reason = "built for musl"
    elif not dynamic:
        key = "static" if found.system_files else "scratch"
        result.smallest_base = bases.get(key)
        result.base_reason = "static program" + (
            ", with CA certificates, time zones or /etc files" if key == "static" else " alone"
        )
    else:

        def only(names: list[str], patterns: list[str]) -> bool:
            return all(any(fnmatch.fnmatchcase(n, p) for p in patterns) for n in names)

        # The system's libraries decide; the app's own (beside it, by RUNPATH) come with it.
        libs = sorted({name for p, name in walked.sonames.items()
                       if p.startswith(_SYSTEM_LIBS) and p not in found.roots
                       and p not in loaders and not _under(p, found.dirs)})  # fmt: skip
        if only(libs, data.base_libraries):
            result.smallest_base = bases.get("base")
            result.base_reason = "glibc (and libssl) only"
        else:
            result.smallest_base = bases.get("cc")
            extra = [n for n in libs if not only([n], data.base_libraries + data.cc_libraries)]
            result.base_reason = "needs the C++ runtime (libstdc++, libgcc_s)"
            if extra:
                result.base_reason = (
                    f"needs libraries no distroless image has: {', '.join(extra[:5])}"
                )
    if runtime is not None:
        result.base_reason += f"; copy the {runtime.name} runtime onto it"


def needed_figures(
    summary: ConfigSummary, env: dict[str, str], path: list[str], tree: MergedTree
) -> NeededBytes | None:
    """The report's ``needed`` for an image whose config ``summary`` is made (None: no command)."""
    from imagetailor.analysis.model import NeededBytes, UnneededFolder

    argv = [*(summary.entrypoint or []), *(summary.cmd or [])]
    if not argv or not argv[0]:
        return None
    program = summary.entrypoint_path if summary.entrypoint_exists else None
    found = needed(tree, argv, summary.workdir or "/", {**env, "PATH": ":".join(path)}, program)
    return NeededBytes(
        needed_bytes=found.needed_bytes,
        file_count=found.file_count,
        runtime=found.runtime,
        smallest_base=found.smallest_base,
        base_reason=found.base_reason,
        libraries=found.libraries,
        unresolved=found.unresolved,
        largest_unneeded=[UnneededFolder(path=p, size_bytes=n) for p, n in found.unneeded],
        complete=found.complete,
    )
