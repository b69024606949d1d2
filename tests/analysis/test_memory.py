"""A layer with a million entries, built for real in a temp dir, analysed within 400 MB.

Before the merged tree and dive's trees were made compact this took 927 MB (peak RSS of
`tailor inspect`); now about 350 MB. The analysis runs in a fresh process so that its peak is
its own, and reads the layer in process (a single layer always is).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.bigtar import write_million_entry_layout

LIMIT_KB = 400 * 1024

CODE = """
import json, resource, sys
from imagetailor.analysis import analyze
from imagetailor.image import open_image
with open_image(sys.argv[1]) as image:
    analysis = analyze(image)
print(json.dumps({"files": analysis.file_count, "final": analysis.final_size_bytes,
                  "efficiency": analysis.dive.efficiency,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


@pytest.mark.slow
def test_a_million_entry_layer_stays_under_400_mb(tmp_path: Path) -> None:
    assert write_million_entry_layout(tmp_path / "layout") == 1_000_000
    result = subprocess.run(
        [sys.executable, "-c", CODE, f"oci:{tmp_path / 'layout'}"],
        capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    import json

    figures = json.loads(result.stdout)
    # 1,000 directories of 999 one-byte files, plus usr/ and usr/share/ made implicitly.
    assert figures["files"] == 1_000_002
    assert figures["final"] == 999_000
    assert figures["efficiency"] == 1.0
    assert figures["peak_kb"] < LIMIT_KB, f"peak {figures['peak_kb'] / 1024:.0f} MB"
