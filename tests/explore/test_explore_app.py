"""`tailor explore` driven headless with Textual's Pilot: keys, selection, the screen's text."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.filetree import FileTreeRecorder, ImageFiles
from imagetailor.analysis.model import Analysis
from imagetailor.explore.app import ExploreApp
from imagetailor.explore.model import FINAL
from imagetailor.explore.widgets import FileTree
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.findings import CheckReport
from imagetailor.policy.settings import resolve
from tests.imagefactory import memory_image
from tests.report.images import HOSTILE_NAME, sample_spec

GOLDEN = Path(__file__).parent / "golden" / "explore-80x24.txt"


def sample() -> tuple[Analysis, ImageFiles, dict[str, CheckReport]]:
    recorder = FileTreeRecorder()
    analysis = analyze(memory_image(sample_spec(small_files=3)), files=recorder)
    assert recorder.files is not None
    checks = {p: evaluate(analysis, resolve(p)) for p in ("deploy", "dev")}
    return analysis, recorder.files, checks


def screen_text(app: ExploreApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(s.text for s in strip).rstrip() for strip in strips)


def run(test, size: tuple[int, int] = (80, 24)):  # type: ignore[no-untyped-def]
    async def main() -> object:
        app = ExploreApp(*sample())
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await test(app, pilot)
        return app.return_value

    return asyncio.run(main())


def test_snapshot_at_80x24() -> None:
    texts: list[str] = []

    async def look(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        texts.append(screen_text(app))

    run(look)
    text = texts[0]
    if os.environ.get("TAILOR_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text + "\n")
    assert text + "\n" == GOLDEN.read_text()
    assert len(text.splitlines()) == 24 and max(len(line) for line in text.splitlines()) <= 80


def test_q_quits_with_0() -> None:
    async def quit_(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("q")

    assert run(quit_) == 0


def test_open_move_and_toggles() -> None:
    async def steps(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        tree = app.query_one("#tree", FileTree)
        names = [row.path for row in app.view.rows]
        assert names == ["usr", "app", "bin", "root", "etc", "tmp", "var"]  # biggest first
        await pilot.press("enter")  # open usr
        assert [row.path for row in app.view.rows][:3] == ["usr", "usr/lib", "usr/share"]
        await pilot.press("down", "down")
        assert tree.current().path == "usr/share"
        await pilot.press("left")  # a closed directory: to its parent
        assert tree.current().path == "usr"
        await pilot.press("left")  # close it
        assert len(app.view.rows) == 7
        # Only wasted bytes: the cache file of layer 0 (deleted by layer 1) and the first
        # config.json; they exist only as of the layers that wrote them.
        await pilot.press("tab", "down", "tab")  # layers pane: the first layer
        assert app.view.layer == 0
        await pilot.press("w")
        assert [r.path for r in app.view.rows if not r.is_dir] == ["var/cache/apt/pkgcache.bin"]
        assert "! pkgcache.bin" in screen_text(app)
        await pilot.press("w", "c")  # changes of layer 0 only
        assert all(row.status == "added" for row in app.view.rows if not row.is_dir)
        assert len([row for row in app.view.rows if not row.is_dir]) == 7
        await pilot.press("m")
        await pilot.pause()
        assert app.view.layer == FINAL

    run(steps)


def test_layer_view_marks_removed_and_modified() -> None:
    async def steps(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("tab", "down", "down")  # layer 1
        assert app.view.layer == 1
        await pilot.press("tab", "c")
        statuses = {row.path: (row.status, row.hidden) for row in app.view.rows}
        assert statuses["var/cache/apt/pkgcache.bin"] == ("removed", False)
        assert statuses["app/config.json"] == ("added", True)
        text = screen_text(app)
        assert "- pkgcache.bin" in text and "! config.json" in text
        # Names are text, never markup: the hostile one is a directory and a file inside it.
        assert f"  {HOSTILE_NAME.split('/')[0]}/" in text and "+ script>" in text

    run(steps)


def test_filter_and_help() -> None:
    async def steps(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("slash", *"libc")
        assert [r.path for r in app.view.rows] == ["usr", "usr/lib", "usr/lib/libc.so.6"]
        await pilot.press("enter", "escape")
        await pilot.press("question_mark")
        assert "only wasted bytes" in screen_text(app)
        await pilot.press("escape")
        assert "only wasted bytes" not in screen_text(app)

    run(steps)


def test_findings_pane_jumps_to_the_path() -> None:
    async def steps(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("2")
        assert "deploy: NOT FIT" in screen_text(app) and "TP101" in screen_text(app)
        await pilot.press("down", "enter")  # the first finding: the shell at /bin/sh
        await pilot.pause()
        tree = app.query_one("#tree", FileTree)
        assert tree.current().path == "bin/sh" and tree.has_focus
        await pilot.press("p", "2")
        assert "dev: NOT FIT" in screen_text(app)
        await pilot.press("3")
        assert "No packages" in screen_text(app) or "no packages found" in screen_text(app)

    run(steps)


@pytest.mark.parametrize("value", ["1"])
def test_no_color(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("NO_COLOR", value)
    seen: list[bool] = []

    async def look(app: ExploreApp, pilot) -> None:  # type: ignore[no-untyped-def]
        seen.append(app.no_color)
        strips = app.screen._compositor.render_strips()
        colours = {
            seg.style.color.name for s in strips for seg in s if seg.style and seg.style.color
        }
        seen.append(all("green" not in c and "red" not in c for c in colours))

    run(look)
    assert seen == [True, True]


def test_explore_needs_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    from imagetailor.cli.main import main

    assert main(["explore", "docker-archive:/nonexistent.tar"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs a terminal" in err


def test_an_empty_image_takes_every_key() -> None:
    from imagetailor.analysis.filetree import ImageFiles
    from tests.policy.builders import clean_analysis

    analysis = clean_analysis()
    count = len(analysis.layers)

    async def main() -> object:
        app = ExploreApp(analysis, ImageFiles([[] for _ in range(count)], [], [0] * count), {})
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter", "down", "left", "right", "end", "c", "w", "m")
            await pilot.press("2", "p", "enter", "3", "1", "slash", "x", "escape")
            await pilot.press("tab", "down", "down", "tab", "question_mark", "escape")
            await pilot.pause()
            assert "(empty)  0 rows" in screen_text(app)
            await pilot.press("q")
        return app.return_value

    assert asyncio.run(main()) == 0
