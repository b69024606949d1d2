"""`tailor diff` on images whose every byte the tests chose (tests/diff/images.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from imagetailor.analysis.layercache import LayerCache
from imagetailor.diff.compare import analyze_for_diff, diff_images
from imagetailor.diff.model import ImageDiff
from imagetailor.report.diff import render_diff
from tests.diff.images import spec_a, spec_b
from tests.imagefactory import (
    File,
    ImageSpec,
    LayerSpec,
    memory_image,
    write_docker_archive,
    write_oci_layout,
)


def _diff(a: ImageSpec, b: ImageSpec) -> ImageDiff:
    cache = LayerCache()
    return diff_images(
        analyze_for_diff(memory_image(a, "memory:a"), cache),
        analyze_for_diff(memory_image(b, "memory:b"), cache),
    )


@pytest.fixture(scope="module")
def diff() -> ImageDiff:
    return _diff(spec_a(), spec_b())


def test_files_added_removed_modified_exactly(diff: ImageDiff) -> None:
    added = {(e.path, e.kind, e.size_bytes, e.mode) for e in diff.files.added}
    assert added == {
        ("/bin/busybox", "file", 1200, 0o755),
        ("/bin/sh", "hardlink", 1200, 0o644),  # shares busybox's bytes
        ("/bin/ls", "symlink", 0, 0o777),
        ("/usr/share/doc/c.txt", "file", 6, 0o644),
    }
    busybox = next(e for e in diff.files.added if e.path == "/bin/busybox")
    sh = next(e for e in diff.files.added if e.path == "/bin/sh")
    expected = "sha256:" + hashlib.sha256(b"\x7fELF" + b"b" * 1196).hexdigest()
    assert busybox.digest == sh.digest == expected
    assert diff.files.added_bytes == 1200 + 1200 + 6
    # a whiteout and an opaque directory, each deleting one file of the shared base layer
    assert [(e.path, e.size_bytes) for e in diff.files.removed] == [
        ("/usr/share/doc/a.txt", 6),
        ("/usr/share/doc/b.txt", 6),
    ]
    modified = {c.path: (c.changes, c.size_delta_bytes) for c in diff.files.modified}
    assert modified == {
        "/app/VERSION": (["size", "content"], 4),
        "/etc/app.conf": (["mode"], 0),  # same bytes, 0644 -> 0600
        "/var/lib/dpkg/status": (["size", "content"], len(_status_b()) - len(_status_a())),
    }
    conf = next(c for c in diff.files.modified if c.path == "/etc/app.conf")
    assert (conf.a.mode, conf.b.mode) == (0o644, 0o600)
    assert conf.a.digest == conf.b.digest


def _status_a() -> bytes:
    return bytes(spec_a().layers[0].entries[-1].data, "utf-8")  # type: ignore[union-attr,arg-type]


def _status_b() -> bytes:
    entry = spec_b().layers[2].entries[5]
    assert isinstance(entry, File) and isinstance(entry.data, str)
    return entry.data.encode()


def test_same_bytes_new_mtime_is_not_modified(diff: ImageDiff) -> None:
    assert "/etc/motd" not in {c.path for c in diff.files.modified}


def test_content_only_change_same_size_is_modified() -> None:
    base = LayerSpec([File("etc/x", "aaaa")])
    a = ImageSpec([base, LayerSpec([File("etc/y", "1")])])
    b = ImageSpec([base, LayerSpec([File("etc/x", "bbbb"), File("etc/y", "1", mtime=5)])])
    result = _diff(a, b)
    assert [(c.path, c.changes) for c in result.files.modified] == [("/etc/x", ["content"])]
    assert result.summary.shared_layers == 1


def test_owner_change() -> None:
    a = ImageSpec([LayerSpec([File("srv/f", "x", uid=0)])])
    b = ImageSpec([LayerSpec([File("srv/f", "x", uid=1000, gid=1000)])])
    [change] = _diff(a, b).files.modified
    assert change.changes == ["owner"]


def test_packages_tools_config(diff: ImageDiff) -> None:
    assert [(p.name, p.version) for p in diff.packages.added] == [("busybox", "1:1.35")]
    assert diff.packages.removed == []
    assert [(p.name, p.version_a, p.version_b) for p in diff.packages.changed] == [
        ("libc6", "2.36-9", "2.36-9+deb12u1")
    ]
    assert diff.tools.added == {"shell": ["busybox", "sh"]}
    assert diff.tools.removed == {}
    changed = {c.field: (c.a, c.b) for c in diff.config.changed}
    assert changed == {"user": ("1000", "0"), "cmd": (None, ["--debug"])}
    assert diff.config.env_names.added == ["DEBUG"]
    assert diff.config.env_names.removed == ["SECRET_TOKEN"]
    assert diff.config.exposed_ports.added == ["9229/tcp"]
    assert diff.config.labels_changed == ["dev.imagetailor.purpose"]


def test_env_values_never_appear(diff: ImageDiff) -> None:
    assert "hunter2" not in render_diff(diff, "json")
    assert "hunter2" not in render_diff(diff, "text", verbose=True)


def test_sizes_and_layers(diff: ImageDiff) -> None:
    assert diff.size_bytes.a == sum(layer.size_bytes for layer in diff.a.layers)
    assert [layer.shared for layer in diff.a.layers] == [True, True, False]
    assert [layer.shared for layer in diff.b.layers] == [True, True, False, False]
    assert diff.b.layers[2].size_bytes == 1200 + 6 + 8 + len(_status_b())
    assert diff.summary.shared_layers == 2


def test_identical_images() -> None:
    result = _diff(spec_a(), spec_a())
    assert result.summary.identical
    assert render_diff(result, "text").startswith("identical:")


def test_json_shape(diff: ImageDiff) -> None:
    data = json.loads(render_diff(diff, "json"))
    assert set(data["files"]) >= {"added", "removed", "modified"}
    for key in ("added", "removed", "modified"):
        assert all({"path", "size_bytes"} <= set(item) for item in data["files"][key])
    assert set(data["packages"]) == {"added", "removed", "changed"}
    assert set(data["tools"]) == {"added", "removed"}
    assert data["size_bytes"] == {"a": diff.size_bytes.a, "b": diff.size_bytes.b}
    assert {"changed", "env_names", "labels", "exposed_ports"} <= set(data["config"])


def test_text_fits_80_columns_and_leads_with_summary(diff: ImageDiff) -> None:
    text = render_diff(diff, "text", width=80)
    lines = text.splitlines()
    assert lines[0] == "images differ"
    assert lines[4] == "files: 4 added (+2.4 kB), 2 removed (-12 B), 3 modified"
    assert max(len(line) for line in lines) <= 80


def test_long_lists_are_cut_unless_verbose() -> None:
    a = ImageSpec([LayerSpec([File("etc/keep", "k")])])
    many = [File(f"srv/{'deep/' * 20}file{i:02}", "x") for i in range(25)]
    b = ImageSpec([LayerSpec([File("etc/keep", "k"), *many])])
    result = _diff(a, b)
    short = render_diff(result, "text", width=80)
    assert "  … 15 more (--verbose lists all)" in short
    assert max(len(line) for line in short.splitlines()) <= 80
    full = render_diff(result, "text", width=80, verbose=True)
    assert "more (--verbose" not in full
    assert sum("file" in line and "/srv/" in line for line in full.splitlines()) == 25


def test_hostile_names_are_escaped_in_text() -> None:
    a = ImageSpec([LayerSpec([File("etc/keep", "k")])])
    b = ImageSpec([LayerSpec([File("etc/keep", "k"), File("etc/\x1b[31mred", "x")])])
    text = render_diff(_diff(a, b), "text")
    assert "\x1b" not in text and "\\x1b[31mred" in text


def test_cli_any_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from imagetailor.cli.main import main

    write_docker_archive(spec_a(), tmp_path / "a.tar")
    write_oci_layout(spec_b(), tmp_path / "b")
    code = main(["diff", f"docker-archive:{tmp_path / 'a.tar'}", f"oci:{tmp_path / 'b'}",
                 "--format", "json"])  # fmt: skip
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["files_modified"] == 3


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "nope:", "nope:"],
        ["diff", "docker-archive:/nonexistent/a.tar", "docker-archive:/nonexistent/b.tar"],
        ["diff", "only-one"],
    ],
)
def test_bad_references_one_line_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from imagetailor.cli.main import main

    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_garbage_archive_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from imagetailor.cli.main import main

    bad = tmp_path / "bad.tar"
    bad.write_bytes(b"\0garbage" * 100)
    write_docker_archive(spec_a(), tmp_path / "a.tar")
    assert main(["diff", f"docker-archive:{tmp_path / 'a.tar'}", f"docker-archive:{bad}"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
