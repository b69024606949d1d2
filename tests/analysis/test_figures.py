"""Exact figures on images the tests write byte by byte: merged tree, hidden bytes, dive's figures.

The expected numbers below are derived by hand from the layer contents (the derivations are in
the comments), not copied from the code's output.
"""

from __future__ import annotations

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Opaque,
    Symlink,
    Whiteout,
    memory_image,
)


def chain_spec() -> ImageSpec:
    """An overwrite chain, a whiteout, an opaque dir, a deleted dir, a hard link kept alive."""
    return ImageSpec(
        layers=[
            LayerSpec(
                [
                    Dir("app"),
                    File("app/a", b"a" * 100),
                    File("app/b", b"b" * 50),
                    Dir("etc"),
                    File("etc/conf", b"c" * 10),
                    Dir("data"),
                    File("data/x", b"x" * 20),
                    File("data/y", b"y" * 30),
                    Hardlink("app/hl", "app/a"),
                ],
                created_by="ADD base",
            ),
            LayerSpec(
                [
                    File("app/a", b"A" * 200),
                    Whiteout("app/b"),
                    Opaque("data"),
                    File("data/z", "zzzzz"),
                ],
                created_by="RUN change",
                compression="gzip",
            ),
            LayerSpec(
                [File("app/a", b"3" * 300), Whiteout("etc")],
                created_by="RUN again",
                compression="zstd",
            ),
        ]
    )


@pytest.fixture(scope="module")
def chain() -> Analysis:
    return analyze(memory_image(chain_spec()))


def test_merged_tree_follows_whiteouts_opaque_dirs_and_hard_links(chain: Analysis) -> None:
    # Final: /app, /app/a (300, layer 2), /app/hl (still layer 0's 100 bytes), /data, /data/z.
    assert chain.file_count == 5
    assert chain.final_size_bytes == 300 + 100 + 5
    assert chain.size_bytes == 210 + 205 + 300


def test_layer_changes_are_counted_against_the_tree_below(chain: Analysis) -> None:
    counts = [(i.files_added, i.files_modified, i.files_removed) for i in chain.layers]
    # layer 0 adds a, b, conf, x, y, hl; layer 1 modifies a, adds z, removes b, x, y;
    # layer 2 modifies a and removes etc/conf (the directory itself is not a file).
    assert counts == [(6, 0, 0), (1, 1, 3), (0, 1, 1)]
    assert [i.created_by for i in chain.layers] == ["ADD base", "RUN change", "RUN again"]
    assert [i.size_bytes for i in chain.layers] == [210, 205, 300]
    assert chain.layers[1].media_type.endswith("+gzip")


def test_hidden_bytes_name_the_layer_that_wrote_and_the_layer_that_hid(chain: Analysis) -> None:
    hidden = {(f.path, f.size_bytes, f.layer, f.hidden_by_layer, f.how) for f in chain.hidden.files}
    # layer 0's app/a survives through the hard link app/hl, so it is not hidden.
    assert hidden == {
        ("/app/a", 200, 1, 2, "overwritten"),
        ("/app/b", 50, 0, 1, "deleted"),
        ("/data/x", 20, 0, 1, "deleted"),
        ("/data/y", 30, 0, 1, "deleted"),
        ("/etc/conf", 10, 0, 2, "deleted"),
    }
    assert chain.hidden.total_bytes == 310
    by_path = {f.path: f for f in chain.hidden.files}
    assert by_path["/app/a"].created_by == "RUN change"
    assert by_path["/app/a"].hidden_by_created_by == "RUN again"


def test_dive_figures_by_dives_definition(chain: Analysis) -> None:
    # dive counts leaves per layer: /app/a 100+200+300 (min 100), /app/b 50 + 0 for its
    # whiteout (a file: dive counts 0), /etc 10 (whiteout of a dir: its subtree), others once:
    # min sum 100+0+0+20+30+10+5+10 = 175, cumulative 600+50+0+20+30+10+5+10 = 725.
    assert chain.dive.efficiency == 175 / 725
    assert chain.dive.wasted_bytes == 650
    assert chain.dive.user_size_bytes == 505
    assert chain.dive.wasted_user_percent == 650 / 505
    assert [(f.path, f.count, f.size_bytes) for f in chain.dive.inefficient_files] == [
        ("/app/a", 3, 600),
        ("/app/b", 2, 50),
    ]


def test_duplicate_entries_in_one_layer_last_wins() -> None:
    spec = ImageSpec(layers=[LayerSpec([File("f", b"1" * 10), File("f", b"2" * 30)])])
    result = analyze(memory_image(spec))
    assert result.final_size_bytes == 30
    assert result.file_count == 1
    assert [(h.path, h.size_bytes, h.layer, h.hidden_by_layer) for h in result.hidden.files] == [
        ("/f", 10, 0, 0)
    ]


def test_whiteout_only_hides_lower_layers_whatever_the_tar_order() -> None:
    # The same layer writes the file and then a whiteout for it: the file stays (OCI).
    spec = ImageSpec(
        layers=[
            LayerSpec([File("d/old", b"o" * 7)]),
            LayerSpec([File("d/new", b"n" * 3), Whiteout("d/new"), Whiteout("d/old")]),
        ]
    )
    result = analyze(memory_image(spec))
    assert result.final_size_bytes == 3
    assert result.hidden.total_bytes == 7


def test_file_replacing_a_directory_hides_the_directory_contents() -> None:
    spec = ImageSpec(
        layers=[
            LayerSpec([Dir("p"), File("p/inner", b"i" * 40)]),
            LayerSpec([File("p", b"f" * 4)]),
        ]
    )
    result = analyze(memory_image(spec))
    assert result.file_count == 1
    assert [(h.path, h.how) for h in result.hidden.files] == [("/p/inner", "overwritten")]


def test_biggest_files_and_symlinked_entrypoint() -> None:
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    File("usr/bin/app", b"\x7fELF" + b"\0" * 96, mode=0o755),
                    Symlink("usr/local/bin/run", "../../bin/app"),
                    File("big", b"b" * 500),
                    File("script.sh", b"#!/bin/sh\necho hi\n", mode=0o644),
                ]
            )
        ],
        entrypoint=["run"],
        user="1000:1000",
    )
    result = analyze(memory_image(spec), top_files=2)
    assert [f.path for f in result.biggest_files] == ["/big", "/usr/bin/app"]
    config = result.config
    assert config.entrypoint_path == "/usr/bin/app"
    assert (config.entrypoint_exists, config.entrypoint_executable) == (True, True)
    assert config.entrypoint_kind == "elf"
    assert config.user == "1000:1000"


def test_entrypoint_missing_or_not_executable() -> None:
    spec = ImageSpec(
        layers=[LayerSpec([File("app/run.sh", b"#!/bin/sh\n", mode=0o644)])],
        entrypoint=["/app/run.sh"],
    )
    config = analyze(memory_image(spec)).config
    assert (config.entrypoint_exists, config.entrypoint_executable) == (True, False)
    assert config.entrypoint_kind == "script"
    spec.entrypoint = ["/app/missing"]
    config = analyze(memory_image(spec)).config
    assert (config.entrypoint_path, config.entrypoint_exists) == ("/app/missing", False)


def test_progress_reports_every_layer_to_its_end(chain: Analysis) -> None:
    calls: list[tuple[int, int, int]] = []
    analyze(memory_image(chain_spec()), progress=lambda *args: calls.append(args))
    ends = {}
    for index, count, done in calls:
        assert count == 3
        ends[index] = max(ends.get(index, 0), done)
    assert ends == {i: chain.layers[i].tar_size_bytes for i in range(3)}


def test_config_summary_fields_and_relative_entrypoint() -> None:
    spec = ImageSpec(
        layers=[LayerSpec([File("app/bin/serve", b"#!/bin/sh\n", mode=0o755)])],
        entrypoint=["./bin/serve", "--port", "8080"],
        cmd=["--verbose"],
        workdir="/app",
        exposed_ports=["8080/tcp", "443/tcp"],
        labels={"org.opencontainers.image.version": "1.2.3"},
        env=["PATH=/usr/bin", "APP_MODE=web", "API_KEY=Zx81Kd93Lq02Mv47Nb65"],
    )
    image = memory_image(spec)
    image.config["config"]["Volumes"] = {"/data": {}, "/cache": {}}
    config = analyze(image).config
    assert config.entrypoint == ["./bin/serve", "--port", "8080"]
    assert config.cmd == ["--verbose"]
    assert config.workdir == "/app"
    assert config.exposed_ports == ["443/tcp", "8080/tcp"]
    assert config.volumes == ["/cache", "/data"]
    assert config.labels == {"org.opencontainers.image.version": "1.2.3"}
    assert config.env == {"PATH": "/usr/bin", "APP_MODE": "web", "API_KEY": "***"}
    assert (config.os, config.architecture) == ("linux", "amd64")
    assert config.entrypoint_path == "/app/bin/serve"
    assert (config.entrypoint_exists, config.entrypoint_executable) == (True, True)
    assert config.entrypoint_kind == "script"
