"""Our own linter finds nothing at all in what our generator writes: the generator follows the
rules `tailor lint` teaches (with the upstream bases and with the offline apt map)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import render_all
from imagetailor.lint import lint_text
from imagetailor.project.bases import BaseMap
from imagetailor.project.model import load_spec
from tests.generate.test_hadolint import APT_TOOLS, EXAMPLES


@pytest.mark.parametrize("example", ["go-app", "python-app", "node-app"])
@pytest.mark.parametrize("bases", [BaseMap(), APT_TOOLS], ids=["upstream", "apt-tools"])
def test_generated_files_lint_clean(tmp_path: Path, example: str, bases: BaseMap) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root, ignore=shutil.ignore_patterns("node_modules"))
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    rendered = render_all(load_spec(root / "tailor.toml"), bases, root)
    for name, text in rendered.items():
        (root / name).write_text(text)
    findings = lint_text(rendered["Dockerfile"], context_dir=root)
    assert [(f.line, f.rule, f.message) for f in findings] == []


def test_the_same_lint_does_flag_a_generated_file_gone_wrong(tmp_path: Path) -> None:
    """Control: without the .dockerignore the generator writes, COPY . . is reported."""
    root = tmp_path / "go-app"
    shutil.copytree(EXAMPLES / "go-app", root, ignore=shutil.ignore_patterns("node_modules"))
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    rendered = render_all(load_spec(root / "tailor.toml"), BaseMap(), root)
    findings = lint_text(rendered["Dockerfile"], context_dir=root)
    assert {f.rule for f in findings} == {"TL206"}
