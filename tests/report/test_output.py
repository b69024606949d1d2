"""--output: atomic, and never over an existing file unless forced."""

from __future__ import annotations

import pytest

from imagetailor.errors import UsageError
from imagetailor.report.output import write_output


def test_writes_new_file_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "report.json"
    write_output("first\n", target)
    assert target.read_text() == "first\n"
    with pytest.raises(UsageError, match="already exists: choose another --output or add --force"):
        write_output("second\n", target)
    assert target.read_text() == "first\n"
    write_output("second\n", target, force=True)
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp files left


def test_missing_directory_and_directory_target(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        write_output("x", tmp_path / "nope" / "r.txt")
    with pytest.raises(UsageError, match="is a directory"):
        write_output("x", tmp_path, force=True)
