"""`tailor report`'s document, page and escaping, with figures known from the test images."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.report.html import Markup, el, esc, raw_asset, script_json
from imagetailor.report.treemap import MAX_CELLS, count_cells
from tests.imagefactory import File, ImageSpec, LayerSpec, write_docker_archive
from tests.report.images import HOSTILE_LABEL, HOSTILE_NAME, write_sample


def test_every_value_is_escaped() -> None:
    page = el("td", {"title": HOSTILE_LABEL, "data-x": None}, HOSTILE_NAME, 3, None, ["<b>"])
    assert page == (
        '<td title="&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;!--">'
        "&lt;script&gt;alert(1)&lt;/script&gt;3&lt;b&gt;</td>"
    )
    assert el("p", None, Markup("<i>ours</i>")) == "<p><i>ours</i></p>"
    assert esc("a\x1b[31mb\ud800") == "a\\x1b[31mb\\xd800"
    with pytest.raises(ValueError):
        el("td", {'x" onload="y': 1})
    with pytest.raises(ValueError):
        raw_asset("let a = '</script>';")


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"n": HOSTILE_LABEL, "m": "a&b\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"n": HOSTILE_LABEL, "m": "a&b\u2028"}


def _document(archive: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["report", f"docker-archive:{archive}", "--format", "json"]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    return document


def test_json_document_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = _document(write_sample(tmp_path), capsys)
    assert [v["purpose"] for v in document["verdicts"]] == ["deploy", "ci", "local", "dev"]
    deploy = document["verdicts"][0]
    assert deploy["fit"] is False
    assert {f["rule"] for f in deploy["findings"]} >= {"TP101", "TP301"}
    assert [layer["hidden_bytes"] for layer in document["layers"]] == [200_000, 8, 0]
    assert document["waste"]["hidden_bytes"] == 200_008
    treemap = document["treemap"]
    assert treemap["s"] == document["final_size_bytes"]
    assert sum(cell["s"] for cell in treemap["c"]) == treemap["s"]
    usr = next(cell for cell in treemap["c"] if cell["n"] == "usr")
    assert usr["s"] == 300_000 + 300 * 50 and usr["l"] == 0
    app = next(cell for cell in treemap["c"] if cell["n"] == "app")
    assert app["l"] == 1 and app["m"] == 4  # server, config.json, the hostile dir and its file
    secret = document["secrets"][0]
    assert secret["path"] == "/root/.ssh/id_rsa" and "MIIEowIBAAKCAQEA0Z3" not in json.dumps(
        document
    )


def test_html_page_is_self_contained(tmp_path: Path) -> None:
    archive = write_sample(tmp_path)
    page = tmp_path / "r.html"
    assert main(["report", str(archive), "-o", str(page)]) == 0
    html = page.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "Content-Security-Policy" in html and "default-src &#x27;none&#x27;" in html
    assert html.count("<script") == 2 and "innerHTML" not in html
    # Written whole: a second run refuses to replace it, --force replaces it.
    assert main(["report", str(archive), "-o", str(page)]) == 2
    assert main(["report", str(archive), "-o", str(page), "--force"]) == 0


def test_twenty_thousand_files_stay_small(tmp_path: Path) -> None:
    files = [File(f"srv/data/d{n // 500}/f{n}.bin", b"z" * (n % 97)) for n in range(20_000)]
    files.append(File("opt/big.bin", b"B" * 2_000_000))
    archive = tmp_path / "many.tar"
    write_docker_archive(ImageSpec(layers=[LayerSpec(files)]), archive)
    page = tmp_path / "many.html"
    assert main(["report", str(archive), "-o", str(page)]) == 0
    assert page.stat().st_size < 1_000_000
    assert (
        main(["report", str(archive), "-o", str(tmp_path / "many.json"), "--format", "json"]) == 0
    )
    document = json.loads((tmp_path / "many.json").read_text())
    # /, opt, opt/big.bin, srv, srv/data, its 40 directories, and in each its 40 biggest files
    # and a group of the other 460: every directory opened, well within the budget.
    assert count_cells(document["treemap"]) == 1 + 2 + 1 + 1 + 40 + 40 * 41 <= MAX_CELLS
    data = next(c for c in document["treemap"]["c"] if c["n"] == "srv")["c"][0]
    # 40 directories of 500 files, each listed; the biggest are opened first, and list their
    # 40 biggest files and a group of the rest. Sizes add up at every level.
    assert data["n"] == "data" and len(data["c"]) == 40
    assert sum(c["s"] for c in data["c"]) == data["s"] == sum(n % 97 for n in range(20_000))
    opened = [d for d in data["c"] if "c" in d]
    assert len(opened) == 40 and all(len(d["c"]) == 41 and d["c"][-1]["k"] == "g" for d in opened)
    assert all(sum(c["s"] for c in d["c"]) == d["s"] for d in opened)


def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "missing.tar"), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    archive = write_sample(tmp_path)
    assert main(["report", str(archive), "--purpose", "prod"]) == 2
    assert "unknown purpose 'prod'" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_cell_budget_binds_biggest_directories_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from imagetailor.analysis.filetree import ADDED, DirIndex, TreeEntry
    from imagetailor.report import treemap

    entries = [TreeEntry(f"big/d{n % 10}/f{n}", "file", 1_000, 0, ADDED) for n in range(500)]
    entries += [TreeEntry(f"small/f{n}", "file", 10, 1, ADDED) for n in range(50)]
    monkeypatch.setattr(treemap, "MAX_CELLS", 30)
    root = treemap.treemap_cells(DirIndex.of(entries))
    assert count_cells(root) <= 30
    big, small = root["c"]
    assert (big["n"], big["s"], big["l"], small["n"], small["s"], small["l"]) == (
        "big", 500_000, 0, "small", 500, 1,
    )  # fmt: skip
    assert "c" in big and "c" not in small  # the budget went to the big one
    assert sum(c["s"] for c in big["c"]) == 500_000
