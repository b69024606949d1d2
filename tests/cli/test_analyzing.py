"""The progress callback given to analyze(): silent off a terminal, a bar on one."""

from __future__ import annotations

import io
import re
import sys

from imagetailor.cli.analyzing import analysis_progress, reading_progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with analysis_progress("reading x") as progress:
        assert progress is None
    assert sys.stderr.getvalue() == ""


def test_bar_counts_layers_and_bytes_on_a_terminal(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with analysis_progress("reading x") as progress:
        assert progress is not None
        progress(0, 2, 0)
        progress(0, 2, 1_500_000)
        progress(1, 2, 0)
        progress(1, 2, 500_000)
    # The bar is transient, but the terminal received its frames: the last one shows the
    # layers done and the bytes of both layers added up.
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert "1/2 layers, 2.0 MB read" in shown


def test_engine_export_shows_before_the_layers(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with reading_progress("reading docker-daemon:app:1") as (fetched, progress):
        assert fetched is not None and progress is not None
        fetched(3_000_000, 10_000_000)
        progress(0, 1, 0)
        progress(0, 1, 9_000_000)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    assert "exporting from the engine: reading docker-daemon:app:1" in shown
    assert "3.0 MB of about 10.0 MB" in shown
    assert "0/1 layers, 9.0 MB read" in shown


def test_no_fetch_callback_off_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with reading_progress("reading x") as callbacks:
        assert callbacks == (None, None)
