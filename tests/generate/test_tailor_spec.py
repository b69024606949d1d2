"""How the generated pipelines install imagetailor (generate/install.py): `--tailor-spec`, the
spec recorded before, and the default from this tool's own install (PEP 610 direct_url.json,
read here from fake distributions put first on sys.path). Hostile specs are quoted, and the
shell is made to prove it; only what pip cannot read is refused."""

from __future__ import annotations

import importlib
import json
import shlex
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from imagetailor.cli.main import main
from imagetailor.errors import UsageError
from imagetailor.generate.ci import CI_FILES
from imagetailor.generate.install import (
    DEFAULT_PREFIX,
    RECORD_PREFIX,
    check_spec,
    installed_spec,
    running_spec,
)
from tests.generate.test_ci import project, validate

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def _fake_install(root: Path, direct_url: dict[str, object] | None, version: str = "0.1.0") -> None:
    """An imagetailor dist-info under ``root`` as pip leaves it; with ``direct_url`` as its
    PEP 610 record (None: installed from an index, no record)."""
    info = root / f"imagetailor-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: imagetailor\nVersion: {version}\n"
    )
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))


@pytest.mark.parametrize(
    ("direct_url", "spec", "noted"),
    [
        (None, "imagetailor==0.1.0", False),
        (
            {"url": "https://git.example/tools/imagetailor.git",
             "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v0.1.0"}},
            f"git+https://git.example/tools/imagetailor.git@{COMMIT}", False,
        ),
        (
            {"url": "https://git.example/mono.git", "subdirectory": "tools/tailor",
             "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"git+https://git.example/mono.git@{COMMIT}#subdirectory=tools/tailor", False,
        ),
        (
            {"url": "https://files.example/imagetailor-0.1.0-py3-none-any.whl",
             "archive_info": {"hashes": {"sha256": "ab" * 32}}},
            "https://files.example/imagetailor-0.1.0-py3-none-any.whl", False,
        ),
        ({"url": "file:///home/me/imagetailor", "dir_info": {"editable": True}},
         "imagetailor==0.1.0", True),
        ({"url": "file:///home/me/dist/imagetailor-0.1.0-py3-none-any.whl", "archive_info": {}},
         "imagetailor==0.1.0", True),
    ],
)  # fmt: skip
def test_the_default_follows_the_install(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    direct_url: dict[str, object] | None,
    spec: str,
    noted: bool,
) -> None:
    _fake_install(tmp_path, direct_url)
    monkeypatch.syspath_prepend(str(tmp_path))
    found, note = running_spec()
    assert found == spec
    assert (note is not None) == noted
    if note is not None:
        assert "--tailor-spec" in note and "\n" not in note


def test_an_unreadable_record_falls_back_with_a_note() -> None:
    assert installed_spec("{not json", "2.0") == (
        "imagetailor==2.0",
        "imagetailor's direct_url.json is unreadable: CI installs imagetailor==2.0",
    )
    spec, note = installed_spec(json.dumps({"url": "https://h/x.git\nrm", "vcs_info": {}}))
    assert spec == "imagetailor==0.1.0" and note is not None


def _setup_commands(root: Path) -> tuple[str, str]:
    """The install command of each pipeline, as its platform hands it to the shell."""
    yaml = YAML(typ="safe")
    flow = yaml.load((root / CI_FILES["github"]).read_text())
    setup = next(s for s in flow["jobs"]["images"]["steps"] if s.get("id") == "setup")
    github = setup["run"].splitlines()[0]
    job = yaml.load((root / CI_FILES["gitlab"]).read_text())["images"]
    gitlab = next(line for line in job["before_script"] if "pip install" in line)
    return github, gitlab


def _argv_in_bash(command: str) -> list[str]:
    """The words bash passes to python/pip for ``command`` (they are made to print them)."""
    stub = 'python() { printf "%s\\n" "$@"; }; /opt/tailor/bin/pip() { printf "%s\\n" "$@"; }; '
    command = command.replace("python3 -m venv /opt/tailor && ", "")
    done = subprocess.run(
        ["bash", "-c", stub + command], capture_output=True, text=True, check=True, timeout=10
    )
    return done.stdout.splitlines()


HOSTILE = [
    "imagetailor==0.1.0; python_version >= \"3.11\" and sys_platform != 'win32'",
    "https://files.example/imagetailor-0.1.0-py3-none-any.whl"
    "?sig=a'b\"c&d=$(touch PWNED);e`touch PWNED`",
    "imagetailor @ git+https://git.example/t.git@v1 ; extra == 'x'",
]


def test_hostile_specs_are_quoted_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "go-app")
    pwned = tmp_path / "pwned"
    for spec in [s.replace("PWNED", str(pwned)) for s in HOSTILE]:
        assert check_spec(spec) == spec
        args = ["generate", "--ci", "github,gitlab", "--tailor-spec", spec, "--dir", str(root)]
        assert main(args) == 0, capsys.readouterr().err
        github, gitlab = _setup_commands(root)
        assert shlex.split(github)[-1] == spec and shlex.split(gitlab)[-1] == spec
        assert _argv_in_bash(github) == ["-m", "pip", "install", spec]
        assert _argv_in_bash(gitlab) == ["install", spec]
        for name in CI_FILES.values():
            lines = (root / name).read_text().splitlines()
            assert RECORD_PREFIX + spec in lines[:4]
    assert not pwned.exists()
    for platform, name in CI_FILES.items():  # the published schemas still take them
        done = validate(platform, root / name)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("imagetailor==0.1.0\nrm -rf /", "not one line"),
        ("imagetailor=0.1.0", "pip cannot read it"),
        ("imagetailor ; ;", "pip cannot read it"),
        ("https:///no-host.whl", "names no host"),
        ("git+https://h/r.git@${{ secrets.TOKEN }}", "GitHub Actions expression"),
    ],
)
def test_what_pip_cannot_read_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str, says: str
) -> None:
    with pytest.raises(UsageError, match=says):
        check_spec(spec)
    root = tmp_path / "p"
    root.mkdir()
    (root / "tailor.toml").write_text("")  # never read: the option is refused first
    code = main(["generate", "--ci", "github", "--tailor-spec", spec, "--dir", str(root)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "--tailor-spec" in err, err


def test_a_chosen_spec_is_kept_and_a_default_follows_the_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "site"
    _fake_install(fake, {"url": "file:///home/me/imagetailor", "dir_info": {}})
    monkeypatch.syspath_prepend(str(fake))
    root = project(tmp_path, "go-app")
    workflow = root / CI_FILES["github"]
    capsys.readouterr()
    assert main(["generate", "--ci", "github,gitlab", "--dir", str(root)]) == 0
    err = capsys.readouterr().err
    assert err.count("--tailor-spec") == 1 and "file:///home/me/imagetailor" in err
    assert DEFAULT_PREFIX + "imagetailor==0.1.0" in workflow.read_text()
    chosen = f"git+https://git.example/t.git@{COMMIT}"
    assert main(["generate", "--ci", "github", "--tailor-spec", chosen, "--dir", str(root)]) == 0
    # Kept by a plain generate and by --check (as CI runs it), for both files.
    assert main(["generate", "--dir", str(root)]) == 0
    assert main(["generate", "--check", "--dir", str(root)]) == 0
    for name in CI_FILES.values():
        assert RECORD_PREFIX + chosen in (root / name).read_text()
    assert main(["generate", "--tailor-spec", "", "--dir", str(root)]) == 0  # back to default
    assert DEFAULT_PREFIX + "imagetailor==0.1.0" in workflow.read_text()
    # A default is not sticky: the pin follows the tool that generates.
    (fake / "imagetailor-0.1.0.dist-info" / "direct_url.json").unlink()
    (fake / "imagetailor-0.1.0.dist-info").rename(fake / "imagetailor-0.2.0.dist-info")
    meta = fake / "imagetailor-0.2.0.dist-info" / "METADATA"
    meta.write_text(meta.read_text().replace("0.1.0", "0.2.0"))
    importlib.invalidate_caches()
    assert main(["generate", "--check", "--dir", str(root)]) == 1
    capsys.readouterr()
    assert main(["generate", "--dir", str(root)]) == 0
    assert DEFAULT_PREFIX + "imagetailor==0.2.0" in workflow.read_text()
    assert "--tailor-spec" not in capsys.readouterr().err  # an index install: nothing to say


def test_the_option_needs_pipelines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, "go-app")
    capsys.readouterr()
    assert main(["generate", "--tailor-spec", "imagetailor==0.1.0", "--dir", str(root)]) == 2
    assert "add --ci" in capsys.readouterr().err
