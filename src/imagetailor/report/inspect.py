"""Render ``tailor inspect``: readable tables, or the Analysis as JSON (the documented contract)."""

from __future__ import annotations

import json
from collections import Counter

from rich.table import Table

from imagetailor.analysis.model import Analysis
from imagetailor.policy.sizes import format_size
from imagetailor.report.console import add_row, render_to_string, safe_text
from imagetailor.report.formats import INSPECT_FORMATS as INSPECT_FORMATS


def render_inspect_json(analysis: Analysis) -> str:
    return json.dumps(analysis.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def _size(size: int) -> str:
    return format_size(size)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _summary(analysis: Analysis) -> Table:
    table = Table(title="image", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    config = analysis.config
    platform = "/".join(p for p in (config.os, config.architecture) if p) or "-"
    rows = [
        ("reference", analysis.reference),
        ("manifest digest", analysis.manifest_digest or "-"),
        ("config digest", analysis.config_digest),
        ("platform", platform),
        ("size", f"{_size(analysis.size_bytes)} ({analysis.size_bytes} bytes, sum of layers)"),
        (
            "compressed",
            f"{_size(analysis.compressed_size_bytes)} ({analysis.compressed_size_bytes} bytes)",
        ),
        (
            "final file system",
            f"{_size(analysis.final_size_bytes)} in {analysis.file_count} entries",
        ),
        ("layers", str(len(analysis.layers))),
    ]
    needed = analysis.needed
    if needed is not None:
        base = needed.smallest_base or "cannot tell"
        rows.append(
            (
                "needed (estimate)",
                f"{_size(needed.needed_bytes)} of {_size(analysis.final_size_bytes)};"
                f" smallest base {base}",
            )
        )
    for field, value in rows:
        add_row(table, field, value)
    return table


def _layers(analysis: Analysis) -> Table:
    table = Table(title="layers")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("digest", no_wrap=True)
    table.add_column("stored", justify="right", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("+ ~ -", justify="right", no_wrap=True)
    table.add_column("created by", overflow="fold")
    for layer in analysis.layers:
        add_row(
            table,
            str(layer.index),
            layer.digest.split(":", 1)[-1][:12],
            _size(layer.compressed_size_bytes),
            _size(layer.size_bytes),
            f"{layer.files_added} {layer.files_modified} {layer.files_removed}",
            _one_line(layer.created_by) or "-",
        )
    return table


def _waste(analysis: Analysis, top: int) -> list[Table]:
    dive = analysis.dive
    figures = Table(title="waste", show_header=False)
    figures.add_column("figure", style="bold", no_wrap=True)
    figures.add_column("value", overflow="fold")
    # Shown as dive prints them (percentages); the JSON keeps dive's 0-1 fractions.
    add_row(figures, "efficiency (dive)", f"{dive.efficiency * 100:.4f} %")
    add_row(figures, "wasted bytes (dive)", f"{_size(dive.wasted_bytes)} ({dive.wasted_bytes})")
    add_row(figures, "user size (dive)", f"{_size(dive.user_size_bytes)} ({dive.user_size_bytes})")
    add_row(figures, "wasted % of user size (dive)", f"{dive.wasted_user_percent * 100:.4f} %")
    add_row(
        figures,
        "hidden bytes (never reach the final file system)",
        f"{_size(analysis.hidden.total_bytes)} ({analysis.hidden.total_bytes}) "
        f"in {analysis.hidden.file_count} file(s)",
    )
    tables = [figures]
    hidden = sorted(analysis.hidden.files, key=lambda f: (-f.size_bytes, f.path))[:top]
    if hidden:
        files = Table(title=f"top hidden files ({len(hidden)} of {analysis.hidden.file_count})")
        files.add_column("size", justify="right", no_wrap=True)
        files.add_column("path", overflow="fold")
        files.add_column("written by", overflow="fold")
        files.add_column("hidden by", overflow="fold")
        for item in hidden:
            add_row(
                files,
                _size(item.size_bytes),
                item.path,
                f"layer {item.layer}",
                f"layer {item.hidden_by_layer} ({item.how})",
            )
        tables.append(files)
    return tables


def _tools(analysis: Analysis) -> Table:
    table = Table(title="tools by category")
    table.add_column("category", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("found", overflow="fold")
    for category in sorted(analysis.tools):
        entries = analysis.tools[category]
        if entries:
            add_row(table, category, str(len(entries)), ", ".join(entries))
    if not table.rows:
        add_row(table, "-", "0", "no catalogued tools found")
    return table


def _packages(analysis: Analysis) -> Table:
    table = Table(title="packages")
    table.add_column("manager", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    counts = Counter(package.manager for package in analysis.packages)
    for manager, count in sorted(counts.items()):
        add_row(table, manager, str(count))
    if not counts:
        add_row(table, "-", "0")
    return table


def _secrets(analysis: Analysis) -> Table:
    table = Table(title="secrets")
    table.add_column("kind", no_wrap=True)
    table.add_column("where", overflow="fold")
    table.add_column("layer", justify="right", no_wrap=True)
    table.add_column("excerpt (redacted)", overflow="fold")
    for hit in analysis.secrets:
        where = f"{hit.location}: {hit.path}" if hit.path else hit.location
        layer = "-" if hit.layer is None else str(hit.layer)
        if hit.allowed_by is not None:
            kind = safe_text(f"{hit.kind} (allowed: {hit.allowed_by})", "dim")
        else:
            kind = safe_text(hit.kind, "bold red")
        add_row(table, kind, where, layer, hit.excerpt)
    if not analysis.secrets:
        add_row(table, "-", "none found", "", "")
    return table


def _biggest(analysis: Analysis, top: int) -> Table:
    files = analysis.biggest_files[:top]
    table = Table(title=f"biggest files ({len(files)})")
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("path", overflow="fold")
    table.add_column("layer", justify="right", no_wrap=True)
    for info in files:
        add_row(table, _size(info.size_bytes), info.path, str(info.layer))
    return table


def _config(analysis: Analysis) -> Table:
    config = analysis.config
    table = Table(title="config", show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")

    def words(items: list[str] | None) -> str:
        return "-" if not items else json.dumps(items)

    if config.entrypoint_exists is None:
        exists = "unknown"
    elif not config.entrypoint_exists:
        exists = "MISSING"
    else:
        exists = "exists, " + ("executable" if config.entrypoint_executable else "NOT executable")
    rows = [
        ("user", config.user or "- (root)"),
        ("entrypoint", words(config.entrypoint)),
        ("cmd", words(config.cmd)),
        ("program", f"{config.entrypoint_path or '-'} ({exists})"),
        ("workdir", config.workdir or "-"),
        ("exposed ports", ", ".join(config.exposed_ports) or "-"),
        ("volumes", ", ".join(config.volumes) or "-"),
        ("env", ", ".join(f"{k}={v}" for k, v in sorted(config.env.items())) or "-"),
        ("labels", ", ".join(f"{k}={v}" for k, v in sorted(config.labels.items())) or "-"),
    ]
    for field, value in rows:
        add_row(table, field, value)
    return table


def render_inspect_text(
    analysis: Analysis, *, top: int = 10, width: int = 120, color: bool = False
) -> str:
    from imagetailor.report.vulns import vulnerabilities_table

    vulns = vulnerabilities_table(analysis, top)
    parts: list[object] = [
        _summary(analysis),
        _layers(analysis),
        *_waste(analysis, top),
        _tools(analysis),
        _packages(analysis),
        *([vulns] if vulns is not None else []),
        _secrets(analysis),
        _biggest(analysis, top),
        _config(analysis),
    ]
    return render_to_string(parts, width=width, color=color)


def render_inspect(
    analysis: Analysis, fmt: str, *, top: int = 10, width: int = 120, color: bool = False
) -> str:
    if fmt == "json":
        return render_inspect_json(analysis)
    return render_inspect_text(analysis, top=top, width=width, color=color)
