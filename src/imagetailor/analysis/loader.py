"""What the dynamic loader would do with a program, read from the merged tree: which objects it
loads (PT_INTERP, DT_NEEDED, recursively) and where it looks for them (DT_RPATH, LD_LIBRARY_PATH,
DT_RUNPATH with $ORIGIN, /etc/ld.so.conf(.d), the default folders), as ld.so(8) describes.

Shared by the start check (what does not resolve) and the closure (what is needed). Nothing is
run; the ELF facts are the summaries the layer pass kept (analysis/elf.py). Paths resolve inside
the image root only, a cycle of DT_NEEDED ends at the first object seen twice, and the walk is
bounded by ``MAX_OBJECTS``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field

from imagetailor.analysis.elf import ElfInfo
from imagetailor.analysis.treeview import TreeView

MAX_OBJECTS = 4000  # shared objects followed per image
_TRIPLETS = {"EM_X86_64": "x86_64-linux-gnu", "EM_AARCH64": "aarch64-linux-gnu",
             "EM_386": "i386-linux-gnu", "EM_ARM": "arm-linux-gnueabihf",
             "EM_PPC64": "powerpc64le-linux-gnu", "EM_S390": "s390x-linux-gnu",
             "EM_RISCV": "riscv64-linux-gnu"}  # fmt: skip


@dataclass
class LoadWalk:
    """The outcome of following the loader from some roots."""

    loaded: list[str] = field(default_factory=list)  # resolved objects, roots included, in order
    loaders: list[str] = field(default_factory=list)  # resolved PT_INTERP programs
    # What does not resolve, in the order met: ("interpreter" | "library", name, needed by).
    missing: list[tuple[str, str, str]] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # ELF objects whose summary is partial
    sonames: dict[str, str] = field(default_factory=dict)  # resolved object -> the name needed


def objects(view: TreeView, folder: str) -> Iterator[str]:
    """ELF objects (with a summary) under a folder: extension modules, addons, bundled libs."""
    count = 0
    for path in view.paths_under(folder):
        shared = path.endswith((".so", ".node")) or ".so." in path.rsplit("/", 1)[-1]
        if shared and view.elf(path) is not None:
            count += 1
            if count > MAX_OBJECTS:
                return
            yield path


def flavour(info: ElfInfo) -> str:
    """The C library an object is built for: musl or glibc ("" when it does not say)."""
    names = [posixpath.basename(info.interpreter or ""), *info.needed]
    if any("musl" in n for n in names):
        return "musl"
    return "glibc" if any(n.startswith(("libc.so.", "ld-linux")) for n in names) else ""


def loadable(view: TreeView, program: str, candidates: list[str]) -> list[str]:
    """The objects the program could load: packages ship prebuilt addons for other machines and
    C libraries (bcrypt's prebuilds/linux-arm, *.musl.node), which their loaders never open."""
    resolved = view.find(program)
    info = view.elf(resolved) if resolved is not None else None
    if info is None:
        return candidates
    kind = flavour(info)
    kept = []
    for path in candidates:
        other = view.elf(path)
        if other is not None and other.machine != info.machine:
            continue
        if other is not None and kind and flavour(other) not in ("", kind):
            continue
        kept.append(path)
    return kept


def search_dirs(info: ElfInfo, origin: str, env: dict[str, str], conf: list[str]) -> list[str]:
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


def ld_conf(view: TreeView) -> list[str]:
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


def walk(
    roots: list[str], env: dict[str, str], view: TreeView, preloaded: dict[str, str] | None = None
) -> LoadWalk:
    """Follow PT_INTERP and DT_NEEDED from ``roots`` (paths in the image), breadth first.

    ``preloaded``: file name -> object the program opens itself (a JRE's launcher dlopens
    lib/server/libjvm.so): a DT_NEEDED of that name is that object, as ld.so reuses a loaded
    object whose name matches instead of searching."""
    preloaded = preloaded or {}
    conf = ld_conf(view)
    result = LoadWalk()
    seen: set[str] = set()
    reported: set[str] = set()
    queue = [r for r in roots if r]
    while queue and len(seen) < MAX_OBJECTS:
        path = queue.pop(0)
        resolved = view.find(path)
        if resolved is None or resolved in seen:
            continue
        seen.add(resolved)
        result.loaded.append(resolved)
        info = view.elf(resolved)
        if info is None:
            continue
        if not info.complete:
            result.incomplete.append(resolved)
            continue
        loader = info.interpreter
        if loader:
            found_loader = view.find(loader)
            if found_loader is None and loader not in reported:
                reported.add(loader)
                result.missing.append(("interpreter", loader, resolved))
            elif found_loader is not None and found_loader not in result.loaders:
                result.loaders.append(found_loader)
                queue.append(found_loader)
        origin = "/" + posixpath.dirname(resolved)
        dirs = search_dirs(info, origin, env, conf)
        for library in info.needed:
            found = next(
                (p for d in dirs if (p := view.find(posixpath.join(d, library))) is not None),
                None,
            )
            if found is None and library in preloaded:
                found = view.find(preloaded[library])
            if found is not None:
                result.sonames.setdefault(found, library)
            if found is None and library not in reported:
                reported.add(library)
                result.missing.append(("library", library, resolved))
            elif found is not None and found not in seen:
                queue.append(found)
    return result
