"""What `tailor report` shows, as one plain-data document: ``--format json`` writes it as it is,
and the HTML page is rendered from it (report/htmlpage.py), so both always say the same.

It is made of the Analysis (the documented inspect contract), the check verdict of each purpose
and the treemap cells of the final file system; nothing here judges or reads an image.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from imagetailor import __version__
from imagetailor.analysis.filetree import DirIndex, ImageFiles
from imagetailor.analysis.model import Analysis
from imagetailor.policy.findings import CheckReport
from imagetailor.report.treemap import treemap_cells

REPORT_FORMATS = ("html", "json")
MAX_PACKAGES_LISTED = 5000  # a distro image has a few hundred; a node_modules tree can have more


def report_document(
    analysis: Analysis, files: ImageFiles, checks: list[CheckReport]
) -> dict[str, Any]:
    hidden_by_layer = files.hidden_bytes
    layers = [
        {
            "index": layer.index,
            "digest": layer.digest,
            "created_by": layer.created_by,
            "compressed_size_bytes": layer.compressed_size_bytes,
            "size_bytes": layer.size_bytes,
            "hidden_bytes": hidden_by_layer[layer.index]
            if layer.index < len(hidden_by_layer)
            else 0,
            "files_added": layer.files_added,
            "files_modified": layer.files_modified,
            "files_removed": layer.files_removed,
        }
        for layer in analysis.layers
    ]
    dive = analysis.dive
    packages = sorted(analysis.packages, key=lambda p: (p.manager, p.name, p.version))
    return {
        "schema_version": 1,
        "generator": f"imagetailor {__version__}",
        "reference": analysis.reference,
        "manifest_digest": analysis.manifest_digest,
        "config_digest": analysis.config_digest,
        "platform": "/".join(p for p in (analysis.config.os, analysis.config.architecture) if p),
        "size_bytes": analysis.size_bytes,
        "compressed_size_bytes": analysis.compressed_size_bytes,
        "final_size_bytes": analysis.final_size_bytes,
        "file_count": analysis.file_count,
        "verdicts": [
            {
                "purpose": check.purpose,
                "fit": check.fit,
                "fail_on": check.fail_on.value,
                "summary": check.summary.model_dump(mode="json"),
                "findings": [f.model_dump(mode="json") for f in check.findings],
            }
            for check in checks
        ],
        "layers": layers,
        "waste": {
            "dive": {
                "efficiency": dive.efficiency,
                "wasted_bytes": dive.wasted_bytes,
                "user_size_bytes": dive.user_size_bytes,
                "wasted_user_percent": dive.wasted_user_percent,
            },
            "hidden_bytes": analysis.hidden.total_bytes,
            "hidden_file_count": analysis.hidden.file_count,
            "hidden_files": [h.model_dump(mode="json") for h in analysis.hidden.files[:20]],
        },
        "tools": {category: paths for category, paths in sorted(analysis.tools.items()) if paths},
        "package_counts": dict(sorted(Counter(p.manager for p in packages).items())),
        "packages": [
            {"manager": p.manager, "name": p.name, "version": p.version}
            for p in packages[:MAX_PACKAGES_LISTED]
        ],
        "secrets": [
            {
                "kind": s.kind,
                "location": s.location,
                "path": s.path,
                "layer": s.layer,
                "excerpt": s.excerpt,  # already redacted by the analysis
                "allowed_by": s.allowed_by,
            }
            for s in analysis.secrets
        ],
        "treemap": treemap_cells(DirIndex.of(files.merged)),
    }


def render_report_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
