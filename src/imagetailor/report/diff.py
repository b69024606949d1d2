"""Render ``tailor diff``: text that leads with the summary and fits the width (long lists end in
"… N more" unless verbose), or the ImageDiff as JSON (the documented contract, docs/diff.md)."""

from __future__ import annotations

import json
import re

from imagetailor.diff.model import FileChange, FileEntry, ImageDiff
from imagetailor.policy.sizes import format_size
from imagetailor.report.formats import DIFF_FORMATS as DIFF_FORMATS

LISTED = 10  # entries per list in the text unless --verbose

# C0/C1 controls and lone surrogates: paths are chosen by whoever built the image (as
# report/console.safe_text does for the tables).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def render_diff(diff: ImageDiff, fmt: str, *, width: int = 80, verbose: bool = False) -> str:
    if fmt == "json":
        return json.dumps(diff.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"
    return "".join(line + "\n" for line in _text(diff, max(width, 40), verbose))


def _safe(text: object) -> str:
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def _fit(text: str, width: int) -> str:
    """One line of at most ``width`` characters: a long one loses its middle (paths keep both
    ends, which say the most)."""
    text = _safe(text)
    if len(text) <= width:
        return text
    keep = width - 1
    return text[: keep // 2] + "…" + text[len(text) - (keep - keep // 2) :]


def _signed(size: int) -> str:
    return ("+" if size >= 0 else "-") + format_size(abs(size))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _summary(diff: ImageDiff) -> list[str]:
    s, a, b = diff.summary, diff.a, diff.b
    size_a, size_b = diff.size_bytes.a, diff.size_bytes.b
    lines = [
        "identical: no file, package, tool or config differs" if s.identical else "images differ",
        f"a: {a.reference}",
        f"b: {b.reference}",
        f"size: {format_size(size_a)} -> {format_size(size_b)} ({_signed(size_b - size_a)}); "
        f"layers: {len(a.layers)} -> {len(b.layers)} ({s.shared_layers} shared)",
        f"files: {s.files_added} added ({_signed(diff.files.added_bytes)}), "
        f"{s.files_removed} removed ({_signed(-diff.files.removed_bytes)}), "
        f"{s.files_modified} modified",
        f"packages: {s.packages_added} added, {s.packages_removed} removed, "
        f"{s.packages_changed} changed version",
        f"tools: {s.tools_added} added, {s.tools_removed} removed; "
        f"config: {_plural(s.config_changes, 'change')}",
    ]
    return lines


def _mode(mode: int) -> str:
    return f"{mode:04o}"


def _added_line(entry: FileEntry) -> str:
    size = format_size(entry.size_bytes) if entry.kind in ("file", "hardlink") else entry.kind
    return f"  {size:>9}  {_mode(entry.mode)}  {entry.path}"


def _modified_line(change: FileChange) -> str:
    parts = []
    for what in change.changes:
        if what == "size":
            parts.append(f"size {_signed(change.size_delta_bytes)}")
        elif what == "mode":
            parts.append(f"mode {_mode(change.a.mode)}->{_mode(change.b.mode)}")
        elif what == "owner":
            parts.append(f"owner {change.a.uid}:{change.a.gid}->{change.b.uid}:{change.b.gid}")
        elif what == "kind":
            parts.append(f"{change.a.kind}->{change.b.kind}")
        else:
            parts.append(what)
    return f"  {change.path}  ({', '.join(parts)})"


def _listed(title: str, lines: list[str], width: int, verbose: bool) -> list[str]:
    if not lines:
        return []
    shown = lines if verbose else lines[:LISTED]
    out = ["", title] + [_fit(line, width) for line in shown]
    if len(lines) > len(shown):
        out.append(f"  … {len(lines) - len(shown)} more (--verbose lists all)")
    return out


def _config_lines(diff: ImageDiff) -> list[str]:
    config = diff.config
    lines = [
        f"  {change.field}: {json.dumps(change.a)} -> {json.dumps(change.b)}"
        for change in config.changed
    ]
    for label, pair in (
        ("env names", config.env_names),
        ("labels", config.labels),
        ("exposed ports", config.exposed_ports),
    ):
        lines += [f"  + {label}: {name}" for name in pair.added]
        lines += [f"  - {label}: {name}" for name in pair.removed]
    lines += [f"  ~ label: {key}" for key in config.labels_changed]
    return lines


def _layer_lines(diff: ImageDiff) -> list[str]:
    lines = []
    for name, side in (("a", diff.a), ("b", diff.b)):
        for layer in side.layers:
            if layer.shared:
                continue
            command = " ".join((layer.created_by or "").split()) or "-"
            lines.append(f"  {name}{layer.index:<3} {format_size(layer.size_bytes):>9}  {command}")
    return lines


def _text(diff: ImageDiff, width: int, verbose: bool) -> list[str]:
    lines = [_fit(line, width) for line in _summary(diff)]
    files, packages, tools = diff.files, diff.packages, diff.tools
    lines += _listed(
        f"files added ({len(files.added)}):",
        [_added_line(e) for e in files.added],
        width,
        verbose,
    )
    lines += _listed(
        f"files removed ({len(files.removed)}):",
        [_added_line(e) for e in files.removed],
        width,
        verbose,
    )
    lines += _listed(
        f"files modified ({len(files.modified)}):",
        [_modified_line(c) for c in files.modified],
        width,
        verbose,
    )
    package_lines = [f"  + {p.name} {p.version} ({p.manager})" for p in packages.added]
    package_lines += [f"  - {p.name} {p.version} ({p.manager})" for p in packages.removed]
    package_lines += [
        f"  ~ {p.name} {p.version_a} -> {p.version_b} ({p.manager})" for p in packages.changed
    ]
    lines += _listed("packages:", package_lines, width, verbose)
    tool_lines = [f"  + {c}: {', '.join(names)}" for c, names in tools.added.items()]
    tool_lines += [f"  - {c}: {', '.join(names)}" for c, names in tools.removed.items()]
    lines += _listed("tools:", tool_lines, width, verbose)
    lines += _listed("config:", _config_lines(diff), width, verbose)
    lines += _listed("layers not shared (a/b index, size, instruction):", _layer_lines(diff),
                     width, verbose)  # fmt: skip
    return lines
