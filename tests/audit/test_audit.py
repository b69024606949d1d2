"""`tailor audit` against Debian's docker-registry on 127.0.0.1, filled with factory images that
share two bases: exact rows, each unique layer read once (counted by the layer cache itself),
verdicts from the disk cache on the second run, and hostile or broken inputs as one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagetailor.audit import catalogue
from imagetailor.audit.layers import SharedLayerCache
from imagetailor.audit.results import VerdictStore
from imagetailor.audit.run import audit
from imagetailor.cli.main import main
from imagetailor.policy.settings import resolve
from tests.audit.fleet import PASSWD, FleetImage, fleet, push, push_fleet

COUNT = 10
FILES, FILE_BYTES = 12, 2048


@pytest.fixture(scope="module")
def pushed(registry: str) -> Iterator[tuple[str, list[FleetImage]]]:
    images = fleet(COUNT, families=2, files=FILES, file_bytes=FILE_BYTES, prefix="audit")
    push_fleet(registry, images)
    yield registry, images


def settings(purpose: str):
    return resolve(purpose)


def references(registry: str) -> list[str]:
    return [f"docker://{registry}/audit/app{n}:1.0" for n in range(COUNT)]


def test_walk_lists_every_tag_across_pages(pushed, monkeypatch: pytest.MonkeyPatch):
    registry, _ = pushed
    monkeypatch.setattr(catalogue, "PAGE", 3)  # ten repositories: four pages
    found = catalogue.walk_registry(registry, "audit")
    assert found == sorted(references(registry))
    assert catalogue.walk_registry(registry, "audit/app1") == [
        f"docker://{registry}/audit/app1:1.0"
    ]
    assert catalogue.walk_registry(registry, "audi") == []  # a prefix is whole path segments


def test_rows_figures_and_each_layer_read_once(pushed, tmp_path: Path):
    registry, images = pushed
    cache = SharedLayerCache(10**6)
    result = audit(references(registry), settings, store=VerdictStore(tmp_path), jobs=3,
                   layer_cache=cache)  # fmt: skip
    # Two bases of two layers each, one app layer per image.
    assert (result.unique_layers, result.layer_uses) == (2 * 2 + COUNT, 3 * COUNT)
    assert result.layers_read == result.unique_layers
    assert cache.misses == result.unique_layers  # each read once, the rest replayed
    base_bytes = len(PASSWD) + len('ID=fam0\nVERSION_ID="1"\n') + 2 * FILES * FILE_BYTES
    for row, image in zip(result.rows, images, strict=True):
        assert row.purpose == (image.purpose or "deploy")
        assert row.purpose_from == ("label" if image.purpose else "default")
        assert row.size_bytes == base_bytes + 4096
        assert row.wasted_bytes == 0 and row.layers == 3 and not row.cached
        if image.purpose == "dev":  # no shell, debugger or toolchain in a factory image
            assert (row.fit, row.failed_rules) == (False, ["TP121", "TP122"])
            assert row.errors == 2
        else:
            assert row.fit is True and row.errors == 0, row
    again = audit(references(registry), settings, store=VerdictStore(tmp_path), jobs=3)
    assert again.layers_read == 0 and again.cached_rows == COUNT
    assert [r.as_json() | {"cached": False} for r in again.rows] == [
        r.as_json() for r in result.rows
    ]


def test_one_image_under_two_tags_is_judged_once(pushed, tmp_path: Path):
    registry, images = pushed
    push(registry, "audit-twin/app", "a", images[0].built)
    push(registry, "audit-twin/app", "b", images[0].built)
    cache = SharedLayerCache(10**6)
    refs = [f"docker://{registry}/audit-twin/app:a", f"docker://{registry}/audit-twin/app:b"]
    result = audit(refs, settings, layer_cache=cache)
    assert result.layers_read == 3 and cache.misses == 3
    assert result.rows[0].as_json() | {"reference": ""} == result.rows[1].as_json() | {
        "reference": ""
    }


def test_an_unreadable_image_is_a_row_not_the_end(pushed, tmp_path: Path):
    registry, _ = pushed
    refs = [f"docker://{registry}/audit/app0:1.0", f"docker://{registry}/audit/nothing:1"]
    result = audit(refs, settings)
    assert result.rows[0].fit is True
    assert result.rows[1].fit is None and "has no manifest" in (result.rows[1].problem or "")


def test_cli_json_text_and_exit_codes(
    pushed, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("COLUMNS", "400")  # the title holds a long temp path; keep it on one line
    registry, _ = pushed
    cache = tmp_path / "verdicts"
    code = main(["audit", f"{registry}/audit", "--format", "json", "--cache-dir", str(cache)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # the dev images are not fit
    assert data["summary"] | {"seconds": 0} == {
        "images": COUNT, "fit": 8, "not_fit": 2, "unreadable": 0, "unique_layers": 14,
        "layer_uses": 30, "layers_read": 14, "cached_images": 0, "seconds": 0,
    }  # fmt: skip
    listed = tmp_path / "list.txt"
    listed.write_text(f"# two of them\ndocker://{registry}/audit/app0:1.0\n\n"
                      f"docker://{registry}/audit/app1:1.0  # ci\n")  # fmt: skip
    code = main(["audit", "--from", str(listed), "--cache-dir", str(cache)])
    out = " ".join(capsys.readouterr().out.split())  # the title wraps at the width
    assert code == 0
    assert out.startswith(f"{listed}: 2 of 2 images fit their purpose")
    assert "0 read, 2 verdicts from the cache" in out
    # A corrupt verdict file is ignored and rewritten.
    for path in cache.iterdir():
        path.write_text("{not json")
    assert (
        main(["audit", "--from", str(listed), "--cache-dir", str(cache), "--format", "json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["summary"]["layers_read"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one"),
        (["127.0.0.1:1", "--from", "x"], "exactly one"),
        (["not a registry"], "is not REGISTRY"),
        (["--from", "/nonexistent/list"], "list"),
        (["127.0.0.1:5000", "--default-purpose", "prod"], "unknown purpose 'prod'"),
        (["127.0.0.1:5000", "--memory", "lots"], "--memory"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]):  # fmt: skip
    assert main(["audit", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_list_with_two_words_on_a_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    listed = tmp_path / "list.txt"
    listed.write_text("a:1 b:2\n")
    assert main(["audit", "--from", str(listed)]) == 2
    assert "list.txt:1: one reference a line" in capsys.readouterr().err


def test_a_second_audit_reads_manifests_only_and_follows_a_moved_tag(pushed, tmp_path: Path):
    """The warm path (audit/warm.py), through a front that counts what the registry is asked
    (tests/image/referrers_registry.py forwards every request to the real registry)."""
    from tests.image.referrers_registry import ReferrersRegistry

    registry, images = pushed
    front = ReferrersRegistry(registry)
    try:
        refs = [f"docker://{front.address}/audit/app{n}:1.0" for n in range(4)]
        store = VerdictStore(tmp_path)
        first = audit(refs, settings, store=store, jobs=2)
        asked = len(front.state.requests)
        again = audit(refs, settings, store=store, jobs=2)
        requests = front.state.requests[asked:]
        assert sorted(requests) == sorted(f"GET /v2/audit/app{n}/manifests/1.0" for n in range(4))
        assert [r.as_json() | {"cached": False} for r in again.rows] == [
            r.as_json() for r in first.rows
        ]
        assert (again.unique_layers, again.layer_uses) == (first.unique_layers, first.layer_uses)
        # A tag moved to another image (app1's, a ci image, over app0's deploy one): its
        # config is new, so it is read and judged afresh, not taken from what was kept.
        push(registry, "audit/app0", "1.0", images[1].built)
        try:
            moved = audit(refs[:1], settings, store=store, jobs=2)
        finally:
            push(registry, "audit/app0", "1.0", images[0].built)
        assert moved.rows[0].purpose == images[1].purpose == "ci"
        assert moved.rows[0].config_digest == images[1].built.config_digest
        # What was kept of a config is checked against the manifest: a record that does not
        # match (a layer count edited) is not used, and the image is opened in full.
        for path in tmp_path.glob("*.json"):
            kept = json.loads(path.read_text())
            if "diff_ids" in kept:
                path.write_text(json.dumps({**kept, "layers": 7}))
        asked = len(front.state.requests)
        third = audit(refs, settings, store=store, jobs=2)
        assert any("/blobs/" in r for r in front.state.requests[asked:])
        assert [r.as_json() | {"cached": False} for r in third.rows] == [
            r.as_json() for r in first.rows
        ]
    finally:
        front.close()
