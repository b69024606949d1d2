"""`tailor report` as one self-contained HTML page, rendered from the report document
(report/page.py). Styles and the treemap's script are inlined from report/assets/; a Content
Security Policy forbids every fetch, so the page cannot reach the network even by mistake. All
text goes through report/html.py's escaping."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from imagetailor.policy.sizes import format_size
from imagetailor.report.html import Markup, el, esc, join, raw_asset, script_json

_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def layer_colour(layer: int) -> str:
    """The same colour the page's script gives a layer (report.js ``colour``)."""
    return f"hsl({(layer * 137.508) % 360:.1f}, 62%, 72%)"


def _asset(name: str) -> Markup:
    return raw_asset(files("imagetailor.report").joinpath("assets", name).read_text("utf-8"))


def _size(size: int) -> str:
    return f"{format_size(size)}"


def _num(value: object, raw: int | None = None) -> Markup:
    return el("td", {"class": "num", "data-bytes": raw}, value)


def _header(doc: dict[str, Any]) -> Markup:
    verdicts = [
        el(
            "li",
            {"class": "verdict " + ("fit" if v["fit"] else "unfit"), "data-purpose": v["purpose"]},
            f"{v['purpose']}: {'fit' if v['fit'] else 'NOT FIT'}",
        )
        for v in doc["verdicts"]
    ]
    facts = (
        f"{_size(doc['size_bytes'])} in {len(doc['layers'])} layer(s), "
        f"{_size(doc['compressed_size_bytes'])} compressed; final file system "
        f"{_size(doc['final_size_bytes'])} in {doc['file_count']} entries"
    )
    return el(
        "header",
        None,
        el("h1", None, doc["reference"]),
        el("div", {"class": "mono muted"}, f"config {doc['config_digest']}"),
        el("div", {"class": "mono muted"}, f"manifest {doc['manifest_digest'] or '-'}")
        if doc["manifest_digest"]
        else None,
        el("div", None, facts, f" · {doc['platform']}" if doc["platform"] else None),
        el("ul", {"class": "verdicts", "id": "verdicts"}, verdicts),
    )


def _treemap(doc: dict[str, Any]) -> Markup:
    legend = [
        el(
            "span",
            None,
            el("span", {"class": "swatch", "style": f"background:{layer_colour(layer['index'])}"}),
            f"layer {layer['index']}: {_short(layer['created_by'] or '-', 60)}",
        )
        for layer in doc["layers"]
    ]
    return el(
        "section",
        {"id": "treemap"},
        el("h2", None, "Final file system by size"),
        el("div", {"id": "crumbs"}),
        el("div", {"id": "treemap-area", "role": "img", "aria-label": "treemap of the files"}),
        el("div", {"class": "legend"}, legend),
    )


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _layer_chart(layers: list[dict[str, Any]]) -> Markup:
    """Horizontal bars: the bytes each layer stores, the part of them hidden later in red."""
    width, row, left = 900, 22, 60
    biggest = max((layer["size_bytes"] for layer in layers), default=0) or 1
    bars = []
    for position, layer in enumerate(layers):
        y = position * row
        stored = (width - left - 300) * layer["size_bytes"] / biggest
        hidden = (width - left - 300) * min(layer["hidden_bytes"], layer["size_bytes"]) / biggest
        bars.append(
            join(
                [
                    el("text", {"x": 0, "y": y + 15, "font-size": 12}, f"#{layer['index']}"),
                    el(
                        "rect",
                        {
                            "x": left,
                            "y": y + 3,
                            "width": f"{stored:.1f}",
                            "height": 16,
                            "fill": layer_colour(layer["index"]),
                        },
                    ),
                    el(
                        "rect",
                        {
                            "x": left + stored - hidden,
                            "y": y + 3,
                            "width": f"{hidden:.1f}",
                            "height": 16,
                            "fill": "#b3261e",
                            "class": "hidden-bar",
                        },
                    ),
                    el(
                        "text",
                        {"x": left + stored + 6, "y": y + 15, "font-size": 12},
                        f"{_size(layer['size_bytes'])} stored, {_size(layer['hidden_bytes'])} "
                        "hidden",
                    ),
                ]
            )
        )
    height = max(row * len(layers), row)
    return el(
        "svg",
        {"viewbox": f"0 0 {width} {height}", "role": "img", "aria-label": "layer sizes"},
        bars,
    )


def _layers(doc: dict[str, Any]) -> Markup:
    head = el(
        "tr",
        None,
        [
            el("th", {"class": "num"}, "#"),
            el("th", None, "digest"),
            el("th", {"class": "num"}, "stored (compressed)"),
            el("th", {"class": "num"}, "size"),
            el("th", {"class": "num"}, "hidden"),
            el("th", {"class": "num"}, "+ ~ -"),
            el("th", None, "created by"),
        ],
    )
    rows = [
        el(
            "tr",
            {"data-layer": layer["index"]},
            el("td", {"class": "num"}, layer["index"]),
            el("td", {"class": "mono"}, layer["digest"].split(":", 1)[-1][:12]),
            _num(_size(layer["compressed_size_bytes"]), layer["compressed_size_bytes"]),
            _num(_size(layer["size_bytes"]), layer["size_bytes"]),
            _num(_size(layer["hidden_bytes"]), layer["hidden_bytes"]),
            el(
                "td",
                {"class": "num"},
                f"{layer['files_added']} {layer['files_modified']} {layer['files_removed']}",
            ),
            el("td", {"class": "mono"}, layer["created_by"] or "-"),
        )
        for layer in doc["layers"]
    ]
    return el(
        "section",
        {"id": "layers"},
        el("h2", None, "Layers (stored bytes, the part of them hidden by later layers in red)"),
        el("div", {"class": "bars"}, _layer_chart(doc["layers"])),
        el("table", {"id": "layer-table"}, el("thead", None, head), el("tbody", None, rows)),
    )


def _waste(doc: dict[str, Any]) -> Markup:
    waste = doc["waste"]
    dive = waste["dive"]
    rows = [
        ("efficiency (dive)", f"{dive['efficiency'] * 100:.4f} %", None),
        ("wasted bytes (dive)", _size(dive["wasted_bytes"]), dive["wasted_bytes"]),
        ("user size (dive)", _size(dive["user_size_bytes"]), dive["user_size_bytes"]),
        ("wasted % of user size (dive)", f"{dive['wasted_user_percent'] * 100:.4f} %", None),
        (
            "hidden bytes (ours: never reach the final file system)",
            f"{_size(waste['hidden_bytes'])} in {waste['hidden_file_count']} file(s)",
            waste["hidden_bytes"],
        ),
    ]
    table = el(
        "table",
        {"id": "waste-table"},
        [el("tr", None, el("th", None, name), _num(value, raw)) for name, value, raw in rows],
    )
    hidden = [
        el(
            "tr",
            None,
            _num(_size(h["size_bytes"]), h["size_bytes"]),
            el("td", {"class": "mono"}, h["path"]),
            el(
                "td",
                None,
                f"layer {h['layer']}, hidden by layer {h['hidden_by_layer']} ({h['how']})",
            ),
        )
        for h in waste["hidden_files"]
    ]
    return el(
        "section",
        {"id": "waste"},
        el("h2", None, "Waste: dive's figures beside ours"),
        table,
        el(
            "details",
            None,
            el("summary", None, f"biggest hidden files ({len(hidden)})"),
            el("table", None, hidden),
        )
        if hidden
        else None,
    )


def _tools_packages_secrets(doc: dict[str, Any]) -> Markup:
    tools = [
        el(
            "tr",
            {"data-category": category},
            el("th", None, category),
            _num(len(paths)),
            el("td", {"class": "mono"}, ", ".join(paths)),
        )
        for category, paths in doc["tools"].items()
    ]
    counts = ", ".join(f"{manager}: {n}" for manager, n in doc["package_counts"].items())
    packages = [
        el(
            "tr",
            None,
            el("td", None, p["manager"]),
            el("td", {"class": "mono"}, p["name"]),
            el("td", {"class": "mono"}, p["version"]),
        )
        for p in doc["packages"]
    ]
    secrets = [
        el(
            "tr",
            {"class": "secret"},
            el(
                "td",
                None,
                s["kind"] + (f" (allowed: {s['allowed_by']})" if s["allowed_by"] else ""),
            ),
            el("td", {"class": "mono"}, f"{s['location']}: {s['path'] or '-'}"),
            _num("-" if s["layer"] is None else s["layer"]),
            el("td", {"class": "mono"}, s["excerpt"]),
        )
        for s in doc["secrets"]
    ]
    return join(
        [
            el(
                "section",
                {"id": "tools"},
                el("h2", None, "Tools by category"),
                el("table", None, tools) if tools else el("p", None, "No catalogued tools found."),
            ),
            el(
                "section",
                {"id": "packages"},
                el("h2", None, f"Packages ({counts or 'none'})"),
                el(
                    "details",
                    None,
                    el("summary", None, f"{len(packages)} listed"),
                    el("table", None, packages),
                )
                if packages
                else None,
            ),
            el(
                "section",
                {"id": "secrets"},
                el("h2", None, f"Secrets ({len(secrets)}, redacted)"),
                el("table", None, secrets) if secrets else el("p", None, "None found."),
            ),
        ]
    )


def _findings(doc: dict[str, Any]) -> Markup:
    blocks = []
    for verdict in doc["verdicts"]:
        rows = [
            el(
                "tr",
                {"class": "finding"},
                el("td", {"class": f"sev-{f['severity']}"}, f["severity"]),
                el("td", {"class": "mono nowrap"}, f["rule"]),
                el(
                    "td",
                    None,
                    el("div", None, f["message"]),
                    el("div", {"class": "mono muted"}, f["path"]) if f["path"] else None,
                    el(
                        "div",
                        {"class": "muted"},
                        f"layer {f['layer']}: {_short(f['created_by'] or '-', 120)}",
                    )
                    if f["layer"] is not None
                    else None,
                    el("div", {"class": "fix"}, "fix: ", f["fix"]),
                ),
            )
            for f in verdict["findings"]
        ]
        summary = verdict["summary"]
        title = (
            f"{verdict['purpose']}: {'fit' if verdict['fit'] else 'NOT FIT'} — "
            f"{summary['error']} error(s), {summary['warning']} warning(s), {summary['info']} info"
        )
        blocks.append(
            el(
                "details",
                {"open": not verdict["fit"], "data-purpose": verdict["purpose"]},
                el("summary", None, title),
                el("table", None, rows) if rows else el("p", None, "No findings."),
            ),
        )
    return el("section", {"id": "findings"}, el("h2", None, "Findings per purpose"), blocks)


def render_report_html(doc: dict[str, Any]) -> str:
    data = {"treemap": doc["treemap"]}
    head = el(
        "head",
        None,
        Markup('<meta charset="utf-8">'),
        Markup(f'<meta http-equiv="Content-Security-Policy" content="{esc(_POLICY)}">'),
        Markup('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        el("title", None, f"tailor report: {doc['reference']}"),
        el("style", None, _asset("report.css")),
    )
    body = el(
        "body",
        None,
        _header(doc),
        _treemap(doc),
        _layers(doc),
        _waste(doc),
        _tools_packages_secrets(doc),
        _findings(doc),
        el("footer", {"class": "muted", "style": "text-align:center"}, doc["generator"]),
        el("script", {"type": "application/json", "id": "report-data"}, script_json(data)),
        el("script", None, _asset("report.js")),
    )
    return "<!DOCTYPE html>\n" + el("html", {"lang": "en"}, head, body) + "\n"
