"""`tailor report` opened in headless chromium: what a user's browser does with the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from tests.report.chromium import open_page, screenshot_file
from tests.report.images import HOSTILE_LABEL, HOSTILE_NAME, TOP_DIRECTORIES, write_sample
from tests.report.png import colour_count


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("report")
    archive = write_sample(directory)
    page = directory / "report.html"
    assert main(["report", f"docker-archive:{archive}", "-o", str(page)]) == 0
    return archive, page


def test_page_loads_without_errors_or_requests(sample: tuple[Path, Path]) -> None:
    _, page = sample
    with open_page(page) as browser:
        assert browser.evaluate("document.body.getAttribute('data-treemap')") == "ready"
        uri = page.resolve().as_uri()
        assert [url for url in browser.requests() if url != uri] == []
        assert browser.errors() == []


def test_treemap_has_one_cell_per_top_directory(sample: tuple[Path, Path]) -> None:
    _, page = sample
    with open_page(page) as browser:
        paths = browser.evaluate(
            "[...document.querySelectorAll('#treemap-area .cell')]"
            ".map(c => c.getAttribute('data-path'))"
        )
        assert sorted(paths) == sorted(f"/{name}" for name in TOP_DIRECTORIES)
        # Zoom into /app: its cells are its entries, the hostile name among them as plain text
        # (its "/" makes it a directory "<script>alert(1)<" holding a file "script>").
        browser.evaluate("document.querySelector('.cell[data-path=\"/app\"]').click()")
        inside = browser.evaluate(
            "[...document.querySelectorAll('#treemap-area .cell')]"
            ".map(c => [c.getAttribute('data-path'), Number(c.getAttribute('data-bytes'))])"
        )
        assert sorted(inside) == sorted(
            [["/app/server", 100_004], [f"/app/{HOSTILE_NAME.split('/')[0]}", 5_000],
             ["/app/config.json", 1_022]]
        )  # fmt: skip
        assert browser.errors() == []


def test_layer_table_equals_inspect_json(
    sample: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    archive, page = sample
    assert main(["inspect", f"docker-archive:{archive}", "--format", "json"]) == 0
    layers = json.loads(capsys.readouterr().out)["layers"]
    with open_page(page) as browser:
        rows = browser.evaluate(
            "[...document.querySelectorAll('#layer-table tbody tr')].map(r => "
            "[...r.querySelectorAll('td[data-bytes]')].map(td => Number(td.dataset.bytes)))"
        )
        texts = browser.evaluate(
            "[...document.querySelectorAll('#layer-table tbody tr td:last-child')]"
            ".map(td => td.textContent)"
        )
    assert [row[:2] for row in rows] == [
        [layer["compressed_size_bytes"], layer["size_bytes"]] for layer in layers
    ]
    # The hidden column: the 200,000-byte cache of layer 0 deleted by layer 1, the first
    # config.json of layer 1 overwritten by layer 2.
    assert [row[2] for row in rows] == [200_000, 8, 0]
    assert texts == [layer["created_by"] for layer in layers]
    assert HOSTILE_LABEL in texts[2]


def test_hostile_names_stay_text(sample: tuple[Path, Path]) -> None:
    _, page = sample
    html = page.read_text()
    assert HOSTILE_NAME not in html and HOSTILE_LABEL not in html
    with open_page(page) as browser:
        assert browser.evaluate("document.querySelectorAll('script').length") == 2
        assert browser.evaluate("document.querySelectorAll('body *').length") > 100
        assert HOSTILE_LABEL in browser.evaluate("document.body.textContent")


def test_screenshot_is_not_blank(sample: tuple[Path, Path], tmp_path: Path) -> None:
    _, page = sample
    shot = screenshot_file(page, tmp_path / "shot.png", width=800, height=600)
    assert colour_count(shot.read_bytes()) > 20


def test_harness_sees_requests_and_errors(tmp_path: Path) -> None:
    """The checks above can fail: a page that fetches and throws is caught doing both."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('boom'); null.x;</script></body></html>"
    )
    with open_page(page) as browser:
        browser.evaluate("1")
        assert "http://127.0.0.1:9/x.png" in browser.requests()
        assert len(browser.errors()) >= 2
