"""Inspect renderers: JSON round-trips the Analysis; the tables show the figures."""

from __future__ import annotations

import json

from imagetailor.analysis.model import Analysis
from imagetailor.report.inspect import render_inspect_json, render_inspect_text
from tests.policy.builders import (
    HiddenBytes,
    HiddenFile,
    PackageInfo,
    SecretHit,
    clean_analysis,
    hit,
)


def rich_analysis() -> Analysis:
    hidden = HiddenBytes(
        total_bytes=4_500_000,
        file_count=2,
        files=[
            HiddenFile(path="/var/cache/big.bin", size_bytes=4_000_000, layer=0,
                       hidden_by_layer=1, how="deleted"),
            HiddenFile(path="/etc/small.conf", size_bytes=500_000, layer=0, hidden_by_layer=1,
                       how="overwritten"),
        ],
    )  # fmt: skip
    return clean_analysis(
        tool_hits=[hit("sh", "shell", "/bin/sh", 0), hit("wget", "network", "/bin/wget", 0)],
        packages=[
            PackageInfo(name="libc6", version="2.36", manager="dpkg"),
            PackageInfo(name="busybox", version="1.35", manager="dpkg"),
            PackageInfo(name="requests", version="2.31", manager="python"),
        ],
        secrets=[
            SecretHit(
                kind="private-key",
                description="PEM private key",
                location="file",
                path="/root/.ssh/id_rsa",
                layer=1,
                excerpt="-----BEGIN RSA PRIVATE KEY****",
            )
        ],
        hidden=hidden,
    )


def test_json_is_the_analysis_model_and_round_trips():
    analysis = rich_analysis()
    text = render_inspect_json(analysis)
    data = json.loads(text)
    assert data == analysis.model_dump(mode="json")
    for key in ("size_bytes", "layers", "dive", "tools", "config"):
        assert key in data
    assert set(data["layers"][0]) >= {"digest", "size_bytes", "created_by"}
    assert set(data["dive"]) >= {"efficiency", "wasted_bytes", "user_size_bytes",
                                 "wasted_user_percent"}  # fmt: skip
    assert data["tools"] == {"network": ["/bin/wget"], "shell": ["/bin/sh"]}
    assert Analysis.model_validate_json(text) == analysis


def test_text_tables_show_the_figures():
    text = render_inspect_text(rich_analysis(), width=200, top=1)
    for expected in (
        "docker-archive:/tmp/app.tar",
        "3.0 MB (3000000 bytes, sum of layers)",
        "COPY server /app/server # buildkit",
        "efficiency (dive)",
        f"{clean_analysis().dive.efficiency * 100:.4f} %",
        f"{clean_analysis().dive.wasted_user_percent * 100:.4f} %",
        "4.5 MB (4500000) in 2 file(s)",
        "top hidden files (1 of 2)",
        "/var/cache/big.bin",
        "layer 1 (deleted)",
        "shell",
        "/bin/wget",
        "dpkg",
        "private-key",
        "file: /root/.ssh/id_rsa",
        "biggest files (1)",
        "/app/server (exists, executable)",
        '["/app/server"]',
    ):
        assert expected in text, expected
    assert "/etc/small.conf" not in text  # --top 1 shows only the largest hidden file
    lines = text.splitlines()
    dpkg = next(line for line in lines if " dpkg " in line)
    assert "2" in dpkg.split()


def test_text_on_an_empty_inventory():
    text = render_inspect_text(clean_analysis(config={"user": None}), width=200)
    assert "no catalogued tools found" in text and "none found" in text and "- (root)" in text
