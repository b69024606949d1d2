"""The layer cache on disk (analysis/diskcache.py): a warm run reads no layer and finds the same
things, damaged entries are misses that get rewritten, the size bound evicts the least recently
used, --no-cache leaves the cache alone, and the key follows the catalogues."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.diskcache import DiskCache, cache_dir, cache_max
from imagetailor.analysis.layercache import persistent_cache
from imagetailor.analysis.layerscan import LayerScan
from imagetailor.image import open_image
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Symlink, write_docker_archive

TOKEN = b"GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n"


def spec() -> ImageSpec:
    layers = [
        LayerSpec([Dir("etc"), File("etc/os-release", b"ID=debian\nVERSION_ID=12\n")]),
        LayerSpec([Dir("app"), File("app/.env", TOKEN),
                   File("app/x.bin", b"x" * 5000), Symlink("app/y", "x.bin")]),
        LayerSpec([Dir("srv"), File("srv/z", b"z" * 300)]),
    ]  # fmt: skip
    return ImageSpec(layers, entrypoint=["/app/x.bin"])


def result(reference: str, **kwargs: Any) -> dict[str, Any]:
    with open_image(reference) as image:
        if kwargs.pop("forbid_reads", False):
            for layer in image.layers:

                def refuse() -> None:
                    raise AssertionError("a layer was read")

                layer.open = refuse  # type: ignore[method-assign]
        return analyze(image, layer_cache=persistent_cache(**kwargs)).model_dump(mode="json")


@pytest.fixture()
def archive(tmp_path: Path) -> str:
    write_docker_archive(spec(), tmp_path / "image.tar")
    return f"docker-archive:{tmp_path / 'image.tar'}"


def entries(kind: str = "scan") -> list[Path]:
    return sorted(cache_dir().glob(f"*.{kind}"))


def test_a_warm_run_reads_no_layer_and_finds_the_same(archive: str) -> None:
    cold = result(archive)
    assert len(entries()) == 3
    assert result(archive, forbid_reads=True) == cold
    assert cold["secrets"] and cold["needed"]["needed_bytes"] == 5000 + 24  # and os-release


def test_a_second_process_uses_the_entries(archive: str) -> None:
    tailor = Path(sys.executable).parent / "tailor"
    argv = [str(tailor), "inspect", archive, "--format", "json"]
    cold = subprocess.run(argv, capture_output=True, check=True).stdout
    written = {p: p.stat().st_ino for p in entries()}
    assert len(written) == 3
    assert subprocess.run(argv, capture_output=True, check=True).stdout == cold
    assert {p: p.stat().st_ino for p in entries()} == written  # read, not rewritten


def test_a_warm_json_document_is_spliced_not_rendered(archive: str) -> None:
    from imagetailor.analysis.resultcache import stored_json
    from imagetailor.report.inspect import render_inspect_json

    with open_image(archive) as image:
        assert stored_json(image) is None
        cold = analyze(image, layer_cache=persistent_cache())
        assert stored_json(image) == render_inspect_json(cold)


def test_the_stored_document_is_the_cold_document_under_another_reference(
    archive: str, tmp_path: Path
) -> None:
    """The warm `inspect --format json` splices the reference into the stored document: it
    must equal, byte for byte, what a cold run under that reference prints."""
    tailor = str(Path(sys.executable).parent / "tailor")
    subprocess.run(
        [tailor, "inspect", archive, "--format", "json"], check=True, capture_output=True
    )
    moved = tmp_path / 'other "name" \u00e9.tar'
    moved.write_bytes(Path(archive.removeprefix("docker-archive:")).read_bytes())
    other = f"docker-archive:{moved}"
    warm = subprocess.run([tailor, "inspect", other, "--format", "json"], capture_output=True)
    cold = subprocess.run([tailor, "inspect", other, "--format", "json", "--no-cache"],
                          capture_output=True)  # fmt: skip
    assert warm.returncode == cold.returncode == 0
    assert warm.stdout == cold.stdout and b'other \\"name\\" \\u00e9.tar' in warm.stdout


def test_no_cache_neither_reads_nor_writes(archive: str) -> None:
    result(archive, enabled=False)
    assert entries() == []
    tailor = Path(sys.executable).parent / "tailor"
    done = subprocess.run([tailor, "inspect", "--no-cache", archive, "--format", "json"],
                          capture_output=True)  # fmt: skip
    assert done.returncode == 0 and entries() == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty"])
def test_a_damaged_entry_is_a_miss_and_is_rewritten(archive: str, damage: str) -> None:
    cold = result(archive)
    damaged = entries() + entries("result")
    sizes = {p: p.stat().st_size for p in damaged}
    for path in damaged:
        data = path.read_bytes()
        path.write_bytes(
            {"truncate": data[: len(data) // 2], "garbage": os.urandom(len(data)), "empty": b"",
             "flip": data[:40] + bytes([data[40] ^ 1]) + data[41:]}[damage]
        )  # fmt: skip
    assert result(archive) == cold
    assert {p: p.stat().st_size for p in damaged} == sizes
    assert result(archive, forbid_reads=True) == cold


def test_a_stored_analysis_spares_the_merge_and_a_setting_change_does_not_use_it(
    archive: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = result(archive)
    for path in entries():
        path.unlink()  # only the whole analysis is left
    assert len(entries("result")) == 1
    assert result(archive, forbid_reads=True) == cold
    closure = tmp_path / "closure.toml"
    closure.write_text('always = ["/srv/z"]\n')
    monkeypatch.setenv("TAILOR_CLOSURE", str(closure))
    changed = result(archive)  # layers read again (their entries are gone), a new analysis
    assert changed["needed"]["needed_bytes"] == cold["needed"]["needed_bytes"] + 300
    assert len(entries("result")) == 2


def test_the_bound_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, 1 << 20, "salt")
    for number in range(4):
        writer = cache.writer(f"sha256:{number}")
        assert writer is not None
        writer.add([(f"f{number}", "file", 1, 0o644, 0, 0, "", b"", b"d" * 900)])
        writer.finish(LayerScan(0, tar_bytes=1024))
        old = time.time() - 100 + number
        os.utime(cache._path(f"sha256:{number}"), (old, old))
    cache.load("sha256:0")  # used: now the most recent
    cache.max_bytes = 4000
    cache.evict()
    kept = {n for n in range(4) if cache._path(f"sha256:{n}").exists()}
    assert 0 in kept and 1 not in kept and sum(p.stat().st_size for p in tmp_path.iterdir()) <= 4000


def test_an_entry_larger_than_a_quarter_of_the_bound_is_not_kept(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, 4000, "salt")
    writer = cache.writer("sha256:big")
    assert writer is not None
    writer.add([("f", "file", 1, 0o644, 0, 0, "", b"", b"d" * 2000)])
    writer.finish(LayerScan(0))
    assert list(tmp_path.iterdir()) == []


def test_two_writers_of_one_entry_leave_one_whole_entry(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, 1 << 20, "salt")
    first, second = cache.writer("sha256:a"), cache.writer("sha256:a")
    assert first is not None and second is not None
    for writer in (first, second):
        writer.add([("f", "file", 1, 0o644, 0, 0, "", b"", None)])
    second.finish(LayerScan(0, tar_bytes=2))
    first.finish(LayerScan(0, tar_bytes=1))
    found = cache.load("sha256:a")
    assert found is not None and found[1].tar_bytes == 1
    assert [p.name for p in tmp_path.iterdir()] == [cache._path("sha256:a").name]


def test_the_key_follows_the_secret_catalogue(archive: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    result(archive)
    extra = tmp_path / "secrets.toml"
    extra.write_text('candidate_files = ["*.bin"]\n')
    monkeypatch.setenv("TAILOR_SECRETS", str(extra))
    result(archive)
    assert len(entries()) == 6  # the same layers under a second key


def test_digests_are_read_when_a_comparison_needs_them(archive: str) -> None:
    from imagetailor.diff.compare import read_for_diff

    result(archive)
    compared = read_for_diff(archive, None, persistent_cache())
    assert compared.files["app/x.bin"].digest is not None
    again = read_for_diff(archive, None, persistent_cache())
    assert again.files == compared.files


def test_settings() -> None:
    assert cache_max({"TAILOR_CACHE_MAX": "512M"}) == 512 << 20
    assert cache_max({"TAILOR_CACHE_MAX": "3GiB"}) == 3 << 30
    assert cache_max({"TAILOR_CACHE_MAX": "0"}) == 0
    assert cache_max({"TAILOR_CACHE_MAX": "lots"}) == 2 << 30
    assert cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/imagetailor/layers")
    assert cache_dir({"HOME": "/h"}).name == "layers"


def test_every_field_of_a_layer_scan_is_stored() -> None:
    """A field added to LayerScan must be added to the entry format (diskcache's finish and
    _decode) and MAGIC's version raised; this test names the fields the format holds."""
    import dataclasses

    names = {f.name for f in dataclasses.fields(LayerScan)}
    stored = {"tar_bytes", "regular_bytes", "secret_files", "warnings", "digests"}
    assert names == stored | {"index", "entries"}  # the index is the reader's; entries: frames


def test_the_key_follows_the_analyzer_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from imagetailor.analysis.analyzers import registry
    from imagetailor.analysis.diskcache import fingerprint

    before = fingerprint({})
    first, *rest = registry.REGISTRY.analyzers
    bumped = dataclasses.replace(first, version=first.version + 1)
    monkeypatch.setattr(registry.REGISTRY, "analyzers", (bumped, *rest))
    assert fingerprint({}) != before
