"""Two images compared from their analyses and final file tables (analysis/contents.py).

Files: a path only one merged tree has is added or removed (directories only count when their
mode or owner changes: a new folder's files are listed anyway); a path both have is modified
when its kind, size, mode, owner, content digest or link target differs. Timestamps are not
compared: a rebuild that rewrites a file with the same bytes changes nothing a container sees.
A hard link counts as a regular file (it is one that shares its bytes). A path whose final entry
comes, in both images, from a layer with the same diff ID is the same entry and is not compared
(a hard link is, since its bytes may come from a lower layer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imagetailor.analysis.contents import ContentRecorder, FinalFile
from imagetailor.analysis.model import Analysis, PackageInfo
from imagetailor.analysis.onepass import printable
from imagetailor.diff.model import (
    AddedRemoved,
    ConfigChange,
    ConfigChanges,
    DiffSummary,
    FileChange,
    FileChanges,
    FileEntry,
    FileState,
    ImageDiff,
    ImageSide,
    LayerSize,
    PackageChange,
    PackageChanges,
    PackageRef,
    SizePair,
    ToolChanges,
)

if TYPE_CHECKING:
    from imagetailor.analysis.layercache import LayerCache
    from imagetailor.image.model import Image


@dataclass
class ComparedImage:
    analysis: Analysis
    files: dict[str, FinalFile]


def analyze_for_diff(image: Image, cache: LayerCache | None = None) -> ComparedImage:
    """One pass over ``image`` that also hashes its files (see analysis/contents.py)."""
    from imagetailor.analysis import analyze

    recorder = ContentRecorder()
    analysis = analyze(image, layer_cache=cache, contents=recorder)
    assert recorder.files is not None  # analyze() always finishes what it was fed
    return ComparedImage(analysis, recorder.files)


def read_for_diff(
    reference: str, platform: str | None, cache: LayerCache | None = None
) -> ComparedImage:
    from imagetailor.image import open_image

    with open_image(reference, platform) as image:
        return analyze_for_diff(image, cache)


def diff_images(a: ComparedImage, b: ComparedImage) -> ImageDiff:
    ids_a = [layer.diff_id for layer in a.analysis.layers]
    ids_b = [layer.diff_id for layer in b.analysis.layers]
    files = _files(a, b, ids_a, ids_b)
    packages = _packages(a.analysis.packages, b.analysis.packages)
    tools = _tools(a.analysis, b.analysis)
    config = _config(a.analysis, b.analysis)
    shared = set(ids_a) & set(ids_b) - {None}
    config_count = (
        len(config.changed)
        + sum(len(pair.added) + len(pair.removed) for pair in _pairs(config))
        + len(config.labels_changed)
    )
    summary = DiffSummary(
        identical=False,
        files_added=len(files.added),
        files_removed=len(files.removed),
        files_modified=len(files.modified),
        packages_added=len(packages.added),
        packages_removed=len(packages.removed),
        packages_changed=len(packages.changed),
        tools_added=sum(len(v) for v in tools.added.values()),
        tools_removed=sum(len(v) for v in tools.removed.values()),
        config_changes=config_count,
        shared_layers=sum(1 for d in ids_b if d in shared),
    )
    summary.identical = not any(
        (
            summary.files_added, summary.files_removed, summary.files_modified,
            summary.packages_added, summary.packages_removed, summary.packages_changed,
            summary.tools_added, summary.tools_removed, summary.config_changes,
        )
    )  # fmt: skip
    return ImageDiff(
        a=_side(a.analysis, shared),
        b=_side(b.analysis, shared),
        size_bytes=SizePair(a=a.analysis.size_bytes, b=b.analysis.size_bytes),
        final_size_bytes=SizePair(a=a.analysis.final_size_bytes, b=b.analysis.final_size_bytes),
        summary=summary,
        files=files,
        packages=packages,
        tools=tools,
        config=config,
    )


def _side(analysis: Analysis, shared: set[str | None]) -> ImageSide:
    return ImageSide(
        reference=analysis.reference,
        config_digest=analysis.config_digest,
        manifest_digest=analysis.manifest_digest,
        file_count=analysis.file_count,
        layers=[
            LayerSize(
                index=layer.index,
                diff_id=layer.diff_id,
                size_bytes=layer.size_bytes,
                created_by=layer.created_by,
                shared=layer.diff_id in shared,
            )
            for layer in analysis.layers
        ],
    )


# --- files ---------------------------------------------------------------------------------


def _hex(digest: bytes | None) -> str | None:
    return None if digest is None else "sha256:" + digest.hex()


def _entry(path: str, item: FinalFile) -> FileEntry:
    return FileEntry(path=printable("/" + path), **_state(item).model_dump())


def _state(item: FinalFile) -> FileState:
    return FileState(
        kind=item.kind,
        size_bytes=item.size,
        mode=item.mode,
        uid=item.uid,
        gid=item.gid,
        digest=_hex(item.digest),
        link_target=None if item.link is None else printable(item.link),
        layer=item.layer,
    )


def _same_kind(kind: str) -> str:
    return "file" if kind == "hardlink" else kind


def file_changes(x: FinalFile, y: FinalFile) -> list[str]:
    """What differs between two entries of one path ([] when a container sees the same)."""
    changes = []
    kind_x, kind_y = _same_kind(x.kind), _same_kind(y.kind)
    if kind_x != kind_y:
        changes.append("kind")
    if x.size != y.size:
        changes.append("size")
    if x.mode != y.mode:
        changes.append("mode")
    if (x.uid, x.gid) != (y.uid, y.gid):
        changes.append("owner")
    if kind_x == kind_y == "file" and (x.digest != y.digest or x.digest is None):
        # Unknown on either side (a hard link whose target is missing) counts as different:
        # "same" must be proven.
        changes.append("content")
    if kind_x == kind_y == "symlink" and x.link != y.link:
        changes.append("link")
    return changes


def _files(
    a: ComparedImage,
    b: ComparedImage,
    ids_a: list[str | None],
    ids_b: list[str | None],
) -> FileChanges:
    result = FileChanges()
    files_a, files_b = a.files, b.files
    for path in sorted(files_a.keys() - files_b.keys()):
        item = files_a[path]
        if item.kind != "dir":
            result.removed.append(_entry(path, item))
            result.removed_bytes += item.size
    for path in sorted(files_b.keys() - files_a.keys()):
        item = files_b[path]
        if item.kind != "dir":
            result.added.append(_entry(path, item))
            result.added_bytes += item.size
    for path in sorted(files_a.keys() & files_b.keys()):
        x, y = files_a[path], files_b[path]
        if x.kind != "hardlink" and _layer_id(ids_a, x.layer) == _layer_id(ids_b, y.layer):
            continue  # one layer (same diff ID) put this entry in both images
        changes = file_changes(x, y)
        if changes:
            result.modified.append(
                FileChange(
                    path=printable("/" + path),
                    size_bytes=y.size,
                    size_delta_bytes=y.size - x.size,
                    changes=changes,
                    a=_state(x),
                    b=_state(y),
                )
            )
    return result


def _layer_id(ids: list[str | None], index: int) -> object:
    # Implicit parent directories belong to no layer entry (-1 is the root): never shared.
    found = ids[index] if 0 <= index < len(ids) else None
    return found if found is not None else object()


# --- packages, tools, config ----------------------------------------------------------------


def _versions(packages: Iterable[PackageInfo]) -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for package in packages:
        found.setdefault((package.manager, package.name), set()).add(package.version)
    return {key: sorted(versions) for key, versions in found.items()}


def _packages(a: list[PackageInfo], b: list[PackageInfo]) -> PackageChanges:
    result = PackageChanges()
    va, vb = _versions(a), _versions(b)
    for key in sorted(va.keys() - vb.keys()):
        result.removed.extend(PackageRef(manager=key[0], name=key[1], version=v) for v in va[key])
    for key in sorted(vb.keys() - va.keys()):
        result.added.extend(PackageRef(manager=key[0], name=key[1], version=v) for v in vb[key])
    for key in sorted(va.keys() & vb.keys()):
        if va[key] != vb[key]:
            result.changed.append(
                PackageChange(
                    manager=key[0],
                    name=key[1],
                    version_a=", ".join(va[key]),
                    version_b=", ".join(vb[key]),
                )
            )
    return result


def tool_names(analysis: Analysis) -> dict[str, set[str]]:
    """Category -> the names of the tools found (by file, applet, package or directory)."""
    found: dict[str, set[str]] = {}
    for hit in analysis.tool_hits:
        found.setdefault(hit.category, set()).add(hit.name)
    return found


def _tools(a: Analysis, b: Analysis) -> ToolChanges:
    ta, tb = tool_names(a), tool_names(b)
    result = ToolChanges()
    for category in sorted(ta.keys() | tb.keys()):
        added = sorted(tb.get(category, set()) - ta.get(category, set()))
        removed = sorted(ta.get(category, set()) - tb.get(category, set()))
        if added:
            result.added[category] = added
        if removed:
            result.removed[category] = removed
    return result


def _added_removed(a: Iterable[str], b: Iterable[str]) -> AddedRemoved:
    sa, sb = set(a), set(b)
    return AddedRemoved(added=sorted(sb - sa), removed=sorted(sa - sb))


def _pairs(config: ConfigChanges) -> tuple[AddedRemoved, ...]:
    return (config.env_names, config.labels, config.exposed_ports)


CONFIG_FIELDS = ("user", "entrypoint", "cmd", "workdir", "os", "architecture")


def _config(a: Analysis, b: Analysis) -> ConfigChanges:
    ca, cb = a.config, b.config
    changed = [
        ConfigChange(field=name, a=getattr(ca, name), b=getattr(cb, name))
        for name in CONFIG_FIELDS
        if getattr(ca, name) != getattr(cb, name)
    ]
    return ConfigChanges(
        changed=changed,
        env_names=_added_removed(ca.env_names, cb.env_names),
        labels=_added_removed(ca.labels, cb.labels),
        labels_changed=sorted(
            key for key in ca.labels.keys() & cb.labels.keys() if ca.labels[key] != cb.labels[key]
        ),
        exposed_ports=_added_removed(ca.exposed_ports, cb.exposed_ports),
    )
