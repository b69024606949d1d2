"""The progress callback given to analyze(): silent off a terminal, a bar on one."""

from __future__ import annotations

import io
import re
import sys

from imagetailor.cli.analyzing import analysis_progress


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
