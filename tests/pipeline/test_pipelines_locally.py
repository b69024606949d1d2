"""The generated pipelines' own commands, run here in order against the engine and Debian's
docker-registry on 127.0.0.1: GitHub's `run` steps after `setup` (each in `bash -e`, as the
runner does) and GitLab's `script` lines (in one shell, as the runner does). Only the
platforms' setup (installing imagetailor, logging in, warming BuildKit's cache from the
platform's backend) and their actions (code scanning upload, artifacts) are left out: they are
services of the platform, not commands. Run under `flock /tmp/imagetailor-heavy.lock`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from string import Template
from typing import Any

import pytest
from ruamel.yaml import YAML

from imagetailor.generate.ci import CI_FILES, PUSH_IF
from imagetailor.image import open_image
from tests.examples.conftest import run_offline_bases

pytestmark = pytest.mark.engine
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "python-app"
PURPOSES = ("deploy", "ci", "local", "dev")


def bash(command: str, root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", command],
        cwd=root, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def image_id(tag: str) -> str:
    done = subprocess.run(
        ["/usr/bin/docker", "image", "inspect", "--format", "{{.Id}}", tag],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def assert_pushed(registry: str, repo: str, root: Path, env: dict[str, str]) -> None:
    """Every purpose's tag is in the registry, each the engine's image (config digest = image
    ID), deploy also as VERSION, and its attached report is about exactly that manifest."""
    for purpose in PURPOSES:
        local = f"{EXAMPLE}:1.0.0" + ("" if purpose == "deploy" else f"-{purpose}")
        with open_image(f"docker://{registry}/{repo}:1.0.0-{purpose}") as pulled:
            assert pulled.config_digest == image_id(local), purpose
            digest = pulled.manifest_digest
        done = bash(
            f"tailor check docker://{registry}/{repo}@{digest} -p {purpose} --attached "
            "--format json",
            root, env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert (report["manifest_digest"], report["fit"]) == (digest, True)
    with open_image(f"docker://{registry}/{repo}:1.0.0") as deploy:
        assert deploy.config_digest == image_id(f"{EXAMPLE}:1.0.0")


def assert_reports(root: Path, suffix: str) -> None:
    build = json.loads((root / "reports/build.json").read_text())
    assert [(r["purpose"], r["fit"]) for r in build] == [(p, True) for p in PURPOSES]
    assert next(r for r in build if r["purpose"] == "ci")["ci_run"]["passed"] is True
    smoke = json.loads((root / "reports/smoke.json").read_text())
    assert smoke["ok"] is True and smoke["statuses"] == {"200": 20}
    for purpose in PURPOSES:
        path = root / "reports" / f"{purpose}.{suffix}"
        if suffix == "sarif":
            sarif = json.loads(path.read_text())
            assert sarif["version"] == "2.1.0" and sarif["runs"], purpose
        else:
            suite = ElementTree.parse(path).getroot()
            assert suite.tag in ("testsuites", "testsuite") and suite.iter("testcase"), purpose


def test_both_pipelines_run_here_in_order(engine: str, registry: str, tmp_path: Path) -> None:
    root = tmp_path / EXAMPLE
    shutil.copytree(
        ROOT / "examples" / EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".venv")
    )
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TAILOR_BASE_MAP": str(run_offline_bases().map_path),
    }
    for command in ("tailor init --yes", "tailor generate --ci github,gitlab"):
        done = bash(command, root, env)
        assert done.returncode == 0, done.stderr

    # GitHub: each run step after setup, in order, the push one as on the default branch.
    steps = load(root / CI_FILES["github"])["jobs"]["images"]["steps"]
    runs = [s for s in steps if "run" in s and s.get("id") != "setup"]
    assert runs[-1]["if"] == PUSH_IF
    github_env = {**env, "IMAGE_REPO": f"{registry}/gh/{EXAMPLE}"}
    for step in runs:
        done = bash(step["run"], root, github_env)
        assert done.returncode == 0, f"{step['name']}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert "4 image(s) pushed" in done.stdout
    assert_reports(root, "sarif")
    assert_pushed(registry, f"gh/{EXAMPLE}", root, env)

    # GitLab: the job's variables (GitLab expands $NAME, $$ is a $), then the script in one
    # shell, on a tag. The generated files are already there: `generate --check` passes.
    shutil.rmtree(root / "reports")
    job = load(root / CI_FILES["gitlab"])["images"]
    gitlab_env = {**env, "CI_REGISTRY_IMAGE": f"{registry}/gl", "CI_COMMIT_TAG": "v1.0.0"}
    gitlab_env.pop("CI_COMMIT_BRANCH", None)
    for name, value in job["variables"].items():
        gitlab_env[name] = Template(value).substitute(gitlab_env)
    assert gitlab_env["IMAGE_REPO"] == f"{registry}/gl/{EXAMPLE}"
    done = bash("\n".join(job["script"]), root, gitlab_env)
    assert done.returncode == 0, f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert_reports(root, "junit.xml")
    assert_pushed(registry, f"gl/{EXAMPLE}", root, env)

    # A branch that is not the default one pushes nothing: the script's last line alone.
    branch_env = {**gitlab_env, "CI_COMMIT_BRANCH": "feature", "CI_DEFAULT_BRANCH": "main"}
    branch_env.pop("CI_COMMIT_TAG")
    branch_env["IMAGE_REPO"] = f"{registry}/feature/{EXAMPLE}"
    done = bash(job["script"][-1], root, branch_env)
    assert done.returncode == 0 and "nothing pushed" in done.stdout
    with pytest.raises(Exception, match="no manifest"):
        open_image(f"docker://{registry}/feature/{EXAMPLE}:1.0.0").close()


def test_build_push_ships_what_it_built_and_checked(
    engine: str, registry: str, tmp_path: Path
) -> None:
    root = tmp_path / EXAMPLE
    shutil.copytree(
        ROOT / "examples" / EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".venv")
    )
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TAILOR_BASE_MAP": str(run_offline_bases().map_path),
    }
    repo = f"{registry}/built/{EXAMPLE}"
    for command in ("tailor init --yes", "tailor generate"):
        assert bash(command, root, env).returncode == 0
    bad = bash("tailor build deploy --push 'Not A Repo'", root, env)
    assert bad.returncode == 2 and "not a valid image name" in bad.stderr  # before building
    done = bash(f"tailor build deploy --no-run-ci --push {repo} --format json", root, env)
    assert done.returncode == 0, done.stderr[-2000:]
    built = json.loads(done.stdout)
    assert [r["purpose"] for r in built] == ["deploy"]
    assert f"pushed {repo}:1.0.0, {repo}:1.0.0-deploy as sha256:" in done.stderr
    with open_image(f"docker://{repo}:1.0.0") as pulled:
        assert pulled.config_digest == built[0]["image_id"] == image_id(f"{EXAMPLE}:1.0.0")
