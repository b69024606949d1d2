"""What image-hygiene checkers such as dockle look at, read from the merged tree after the pass:
setuid/setgid files (with the package that owns them), world-writable paths in system
directories, files that are credentials by their name, and package managers' caches with their
bytes. Only modes, names and sizes the tree already holds are used; the one content read is the
package file lists (dpkg's info/*.list, apk's database), bounded, to name a setid file's owner.

The names and places live in data/hygiene.toml (extended through TAILOR_HYGIENE).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from imagetailor.analysis.analyzers.apk import INSTALLED as APK_INSTALLED
from imagetailor.analysis.analyzers.registry import DPKG_FILE_LISTS
from imagetailor.analysis.model import (
    Hygiene,
    PackageCache,
    SensitiveFile,
    SetIdFile,
    WritablePath,
)
from imagetailor.analysis.tree import MergedTree, Node
from imagetailor.catalogues import load_catalogue
from imagetailor.errors import UsageError

HYGIENE_ENV = "TAILOR_HYGIENE"
MAX_LISTED = 1000
_SETUID, _SETGID, _STICKY, _OTHER_WRITE = 0o4000, 0o2000, 0o1000, 0o002
_BITS = (("setuid", _SETUID), ("setgid", _SETGID))


@dataclass(frozen=True)
class _Sensitive:
    id: str
    description: str
    names: re.Pattern[str] | None
    paths: re.Pattern[str] | None
    exceptions: frozenset[str]


@dataclass(frozen=True)
class HygieneCatalogue:
    system_dirs: tuple[str, ...]  # relative to the root, no trailing slash
    sensitive: tuple[_Sensitive, ...]
    sensitive_exclude: re.Pattern[str] | None
    caches: tuple[tuple[str, re.Pattern[str]], ...]  # (manager, directory globs)
    # Every entry's names (paths) in one regex: the test each file passes or fails in C, before
    # the entries are asked one by one.
    any_name: re.Pattern[str] | None = None
    any_path: re.Pattern[str] | None = None


def _globs(globs: Iterable[str]) -> re.Pattern[str] | None:
    patterns = [fnmatch.translate(g) for g in globs]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _strings(entry: dict[str, Any], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"hygiene catalogue: {where} {key} must be a list of strings")
    return value


def _by_id(entries: object, table: str) -> list[dict[str, Any]]:
    """[[table]] entries, a later one replacing an earlier one of the same id (a user's file
    is merged after ours)."""
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(f"hygiene catalogue: [[{table}]] must be tables")
    chosen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident:
            raise UsageError(f'hygiene catalogue: every [[{table}]] needs an id = "..."')
        chosen.pop(ident, None)
        chosen[ident] = entry
    return list(chosen.values())


@cache
def hygiene_catalogue() -> HygieneCatalogue:
    data = load_catalogue("hygiene.toml", HYGIENE_ENV)
    sensitive = []
    for entry in _by_id(data.get("sensitive", []), "sensitive"):
        where = f"[[sensitive]] {entry['id']}:"
        sensitive.append(
            _Sensitive(
                entry["id"],
                str(entry.get("description", entry["id"])),
                _globs(_strings(entry, "names", where)),
                _globs(_strings(entry, "paths", where)),
                frozenset(_strings(entry, "except", where)),
            )
        )
    caches = []
    for entry in _by_id(data.get("cache", []), "cache"):
        pattern = _globs(_strings(entry, "paths", f"[[cache]] {entry['id']}:"))
        if pattern is not None:
            caches.append((str(entry["id"]), pattern))
    system = _strings(data, "system_dirs", "")
    return HygieneCatalogue(
        tuple(d.strip("/") for d in system if d.strip("/")),
        tuple(sensitive),
        _globs(_strings(data, "sensitive_exclude", "")),
        tuple(caches),
        _either(e.names for e in sensitive),
        _either(e.paths for e in sensitive),
    )


def _either(patterns: Iterable[re.Pattern[str] | None]) -> re.Pattern[str] | None:
    present = [p.pattern for p in patterns if p is not None]
    return re.compile("|".join(f"(?:{p})" for p in present)) if present else None


def sensitive_kind(catalogue: HygieneCatalogue, path: str) -> _Sensitive | None:
    """The catalogue entry a path (relative to the root) is sensitive by, or None."""
    rooted = "/" + path
    base = path[path.rfind("/") + 1 :]
    if not (
        (catalogue.any_name is not None and catalogue.any_name.match(base))
        or (catalogue.any_path is not None and catalogue.any_path.match(rooted))
    ):
        return None
    for entry in catalogue.sensitive:
        if base in entry.exceptions:
            continue
        if (entry.names is not None and entry.names.match(base)) or (
            entry.paths is not None and entry.paths.match(rooted)
        ):
            if catalogue.sensitive_exclude is not None and catalogue.sensitive_exclude.match(
                rooted
            ):
                return None
            return entry
    return None


def image_hygiene(tree: MergedTree, catalogue: HygieneCatalogue | None = None) -> Hygiene:
    catalogue = catalogue or hygiene_catalogue()
    setid: list[tuple[str, Node]] = []
    writable: list[tuple[str, Node]] = []
    sensitive: list[SensitiveFile] = []
    system = catalogue.system_dirs
    system_below = tuple(d + "/" for d in system)
    nodes = tree.nodes
    sticky_below = tuple(
        d + "/" for d in tree.children if d and d in nodes and nodes[d].mode & _STICKY
    )
    # The names are few; the cheap tests (a bit, a literal prefix) run first for every path.
    for path, node in tree.nodes.items():
        kind = node.attrs[0]
        if kind not in ("file", "hardlink", "dir"):
            continue  # a symlink's mode is always 0777; devices and fifos are not judged
        mode = node.attrs[1]
        if kind != "dir" and mode & (_SETUID | _SETGID):
            setid.append((path, node))
        if (
            mode & _OTHER_WRITE
            and not (kind == "dir" and mode & _STICKY)
            and (path == "" or path in system or path.startswith(system_below))
            and not (sticky_below and path.startswith(sticky_below))
        ):
            writable.append((path, node))
        if kind != "dir" and node.size:  # an empty file holds no credential (Symfony's .env)
            entry = sensitive_kind(catalogue, path)
            if entry is not None:
                sensitive.append(
                    SensitiveFile(
                        path="/" + path,
                        kind=entry.id,
                        description=entry.description,
                        layer=node.layer,
                    )
                )
    for hidden in tree.hidden:  # deleted or replaced later: the bytes still ship
        entry = sensitive_kind(catalogue, hidden.path)
        if entry is not None:
            sensitive.append(
                SensitiveFile(
                    path="/" + hidden.path,
                    kind=entry.id,
                    description=entry.description,
                    layer=hidden.layer,
                    deleted_by_layer=hidden.hidden_by,
                )
            )
    setid.sort()
    writable.sort()
    owners = _owners(tree, [p for p, _ in setid[:MAX_LISTED]])
    sensitive.sort(key=lambda s: (s.path, s.layer))
    return Hygiene(
        setid_files=[
            SetIdFile(
                path="/" + path,
                mode=node.mode,
                uid=node.uid,
                gid=node.gid,
                bits=[name for name, bit in _BITS if node.mode & bit],
                layer=node.layer,
                package=owners.get(path),
            )
            for path, node in setid[:MAX_LISTED]
        ],
        setid_count=len(setid),
        world_writable=[
            WritablePath(
                path="/" + path,
                kind="dir" if node.kind == "dir" else "file",
                mode=node.mode,
                layer=node.layer,
            )
            for path, node in writable[:MAX_LISTED]
        ],
        world_writable_count=len(writable),
        sensitive_files=sensitive[:MAX_LISTED],
        caches=_caches(tree, catalogue),
    )


def _aliases(tree: MergedTree, paths: list[str]) -> dict[str, str]:
    """Every spelling a package list may use for each path -> the path: with merged /usr, dpkg
    lists /bin/su while the tree holds usr/bin/su behind the bin -> usr/bin link."""
    links = []
    for name in tree.children.get("", ()):
        node = tree.nodes.get(name)
        if node is not None and node.kind == "symlink":
            target = tree.resolve(name)
            if target:
                links.append((name, target + "/"))
    spelled: dict[str, str] = {}
    for path in paths:
        spelled[path] = path
        for name, target in links:
            if path.startswith(target):
                spelled[name + "/" + path[len(target) :]] = path
    return spelled


def _owners(tree: MergedTree, paths: list[str]) -> dict[str, str]:
    """path -> the package whose file list holds it (dpkg's info/*.list, apk's database)."""
    if not paths:
        return {}
    spelled = _aliases(tree, paths)
    owners: dict[str, str] = {}
    for path in tree.children.get(DPKG_FILE_LISTS.rstrip("/"), ()):
        data = tree.nodes[path].data
        if not path.endswith(".list") or data is None:
            continue
        package = path[len(DPKG_FILE_LISTS) : -len(".list")].split(":", 1)[0]  # name:arch.list
        for line in data.decode("utf-8", "replace").splitlines():
            found = spelled.get(line.strip().lstrip("/"))
            if found is not None:
                owners.setdefault(found, package)
    apk = tree.nodes.get(APK_INSTALLED)
    data = apk.data if apk is not None else None
    if data is not None:
        package = folder = ""
        for line in data.decode("utf-8", "replace").splitlines():
            if line.startswith("P:"):
                package = line[2:].strip()
            elif line.startswith("F:"):
                folder = line[2:].strip()
            elif line.startswith("R:"):
                found = spelled.get(f"{folder}/{line[2:].strip()}".lstrip("/"))
                if found is not None:
                    owners.setdefault(found, package)
    return owners


def _caches(tree: MergedTree, catalogue: HygieneCatalogue) -> list[PackageCache]:
    """Each cache directory of the catalogue that holds bytes, with the layer that wrote most."""
    found: list[tuple[str, str]] = []  # (directory, manager)
    for directory in tree.children:
        if not directory:
            continue
        rooted = "/" + directory
        for manager, pattern in catalogue.caches:
            if pattern.match(rooted):
                found.append((directory, manager))
                break
    found.sort()
    # A cache inside another one (a pip cache under an apt one cannot happen, but a user's
    # globs may nest) is counted once, in the outer one.
    outer: list[tuple[str, str]] = []
    for directory, manager in found:
        if not any(directory.startswith(o + "/") for o, _ in outer):
            outer.append((directory, manager))
    if not outer:
        return []
    prefixes = tuple(d + "/" for d, _ in outer)
    sizes: dict[str, dict[int, int]] = {d: {} for d, _ in outer}
    counts = dict.fromkeys(sizes, 0)
    for path, node in tree.nodes.items():
        if node.attrs[0] == "file" and node.size and path.startswith(prefixes):
            directory = next(d for d, _ in outer if path.startswith(d + "/"))
            per_layer = sizes[directory]
            per_layer[node.layer] = per_layer.get(node.layer, 0) + node.size
            counts[directory] += 1
    caches = []
    for directory, manager in outer:
        per_layer = sizes[directory]
        if per_layer:
            layer = max(per_layer, key=lambda index: (per_layer[index], -index))
            caches.append(
                PackageCache(
                    manager=manager,
                    path="/" + directory,
                    size_bytes=sum(per_layer.values()),
                    file_count=counts[directory],
                    layer=layer,
                )
            )
    return caches
