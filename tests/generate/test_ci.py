"""`tailor generate --ci github,gitlab`: the pipelines validate against the published workflow
schemas (check-jsonschema's vendored GitHub and GitLab ones), match their reviewed golden files
for every example, follow the marker and no-clobber rules, and stay up to date once written.
tests/pipeline/test_ci_run.py runs their steps against the engine and the loopback registry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from imagetailor.cli.main import main
from imagetailor.errors import UsageError
from imagetailor.generate import install
from imagetailor.generate.ci import ACTIONS, CI_FILES, PUSH_IF, parse_platforms
from imagetailor.generate.files import MARKER_LINE
from imagetailor.generate.quoting import (
    UnsafeValue,
    gitlab_variable,
    workflow_block,
    workflow_string,
    yaml_string,
)

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden" / "ci"
EXAMPLES = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}


@pytest.fixture(autouse=True)
def _no_env_base_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)
    # The goldens do not depend on how this checkout's imagetailor is installed (editable
    # here): tests/generate/test_tailor_spec.py tests each install's default.
    monkeypatch.setattr(install, "running_spec", lambda: ("imagetailor==0.1.0", None))


def project(tmp_path: Path, example: str) -> Path:
    target = tmp_path / example
    shutil.copytree(
        ROOT / "examples" / example,
        target,
        ignore=shutil.ignore_patterns("node_modules", "__pycache__", ".venv"),
    )
    assert main(["init", "--yes", "--dir", str(target)]) == 0
    return target


def check_jsonschema() -> str:
    found = Path(sys.executable).parent / "check-jsonschema"
    if not found.exists():
        pytest.fail("check-jsonschema is not installed (dev dependency; run uv sync)")
    return str(found)


def validate(platform: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [check_jsonschema(), "--builtin-schema", SCHEMAS[platform], str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_pipelines_validate_and_match_golden(example: str, tmp_path: Path) -> None:
    root = project(tmp_path, example)
    assert main(["generate", "--ci", "github,gitlab", "--dir", str(root)]) == 0
    for platform, name in CI_FILES.items():
        path = root / name
        text = path.read_text()
        assert text.splitlines()[0] == MARKER_LINE
        done = validate(platform, path)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        golden = GOLDEN / f"{example}.{platform}.yml"
        if os.environ.get("UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text)
        assert golden.is_file(), f"no golden file for {example}: run with UPDATE_GOLDEN=1"
        assert text == golden.read_text(), f"{example}: {name} differs from its golden"
    # Written once, kept: `generate --check` knows them, a plain `generate` leaves them as is.
    assert main(["generate", "--check", "--dir", str(root)]) == 0
    assert main(["generate", "--dir", str(root)]) == 0
    assert (root / CI_FILES["github"]).read_text() == (GOLDEN / f"{example}.github.yml").read_text()


def test_the_workflow_does_what_the_issue_asks(tmp_path: Path) -> None:
    root = project(tmp_path, "python-app")
    assert main(["generate", "--ci", "github", "--dir", str(root)]) == 0
    assert not (root / CI_FILES["gitlab"]).exists()
    flow = YAML(typ="safe").load((root / CI_FILES["github"]).read_text())
    steps = flow["jobs"]["images"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all("@v" in u for u in uses), uses  # pinned
    assert set(ACTIONS.values()) <= set(uses)
    runs = [s["run"] for s in steps if "run" in s and s.get("id") != "setup"]
    assert runs[:3] == [
        "tailor generate --check",
        "mkdir -p reports && tailor build --format json --output reports/build.json",
        "tailor smoke --format json --output reports/smoke.json",
    ]
    assert [r.split()[4] for r in runs[3:7]] == ["deploy", "ci", "local", "dev"]
    assert all("--format sarif" in r for r in runs[3:7])
    push = steps[-1]
    assert push["run"] == 'tailor push "$IMAGE_REPO"' and push["if"] == PUSH_IF
    bake = next(s for s in steps if s.get("uses") == ACTIONS["bake"])
    assert "deploy.cache-to=type=gha,scope=deploy,mode=max" in bake["with"]["set"].splitlines()
    sarif = [s for s in steps if s.get("uses") == ACTIONS["sarif"]]
    assert [s["with"]["category"] for s in sarif] == [
        f"imagetailor-{p}" for p in ("deploy", "ci", "local", "dev")
    ]
    assert flow["permissions"]["security-events"] == "write"


def test_gitlab_reports_junit_and_pushes_only_from_the_default_branch(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    assert main(["generate", "--ci", "gitlab", "--dir", str(root)]) == 0
    job = YAML(typ="safe").load((root / CI_FILES["gitlab"]).read_text())["images"]
    assert job["artifacts"]["reports"]["junit"] == "reports/*.junit.xml"
    assert job["artifacts"]["when"] == "always"
    assert "type=registry,ref=$IMAGE_REPO:buildcache-deploy,mode=max" in job["before_script"][-1]
    last = job["script"][-1]
    branch = '[ "$CI_COMMIT_BRANCH" = "$CI_DEFAULT_BRANCH" ] || [ -n "$CI_COMMIT_TAG" ]'
    assert last.startswith(f"if {branch}")
    assert 'then tailor push "$IMAGE_REPO"' in last


def test_no_clobber_and_no_links(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    (root / ".gitlab-ci.yml").write_text("stages: [mine]\n")
    assert main(["generate", "--ci", "gitlab", "--dir", str(root)]) == 2
    assert (root / ".gitlab-ci.yml").read_text() == "stages: [mine]\n"
    assert not (root / "Dockerfile").exists()  # all or nothing
    assert main(["generate", "--ci", "gitlab", "--force", "--dir", str(root)]) == 0
    assert (root / ".gitlab-ci.yml").read_text().startswith(MARKER_LINE)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".github").symlink_to(outside)
    assert main(["generate", "--ci", "github", "--force", "--dir", str(root)]) == 2
    assert list(outside.iterdir()) == []


def test_unknown_platform_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError):
        parse_platforms("github,jenkins")
    root = project(tmp_path, "go-app")
    capsys.readouterr()
    assert main(["generate", "--ci", "circle", "--dir", str(root)]) == 2
    assert "--ci 'circle': name platforms from github, gitlab" in capsys.readouterr().err


def test_yaml_quoting() -> None:
    assert yaml_string('a "b" $c') == '"a \\"b\\" $c"'
    assert YAML(typ="safe").load("k: " + yaml_string("x: [y] # z")) == {"k": "x: [y] # z"}
    with pytest.raises(UnsafeValue):
        yaml_string("two\nlines")
    with pytest.raises(UnsafeValue):
        workflow_string("${{ secrets.TOKEN }}")
    assert workflow_string("${ NAME }") == '"${ NAME }"'
    assert gitlab_variable("a$b") == "a$$b"
    assert workflow_block(["echo a", "b"], 2) == ["  echo a", "  b"]
    for bad in (" indented", "", "${{ x }}"):
        with pytest.raises(UnsafeValue):
            workflow_block([bad], 2)


def test_the_schemas_catch_a_broken_pipeline(tmp_path: Path) -> None:
    """Negative control: the validator is not a rubber stamp."""
    root = project(tmp_path, "go-app")
    assert main(["generate", "--ci", "github,gitlab", "--dir", str(root)]) == 0
    workflow = root / CI_FILES["github"]
    workflow.write_text(workflow.read_text().replace("    runs-on:", "    runs_on:"))
    assert validate("github", workflow).returncode == 1
    gitlab = root / CI_FILES["gitlab"]
    gitlab.write_text(gitlab.read_text().replace("    when: always", "    when: sometimes"))
    assert validate("gitlab", gitlab).returncode == 1
