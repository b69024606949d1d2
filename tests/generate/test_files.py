"""Generation: golden files, byte-identical regeneration, the marker, --force, --check."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import GENERATED, MARKER_LINE, render_all
from imagetailor.project.bases import Base, BaseMap
from imagetailor.project.model import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"
# The stand-ins' map as scripts/offline-bases writes it (apt everywhere), spelled out here so the
# golden files do not depend on a machine's cache.
OFFLINE_MAP = BaseMap(
    {
        "alpine:3.20": Base("alpine:3.20", "imagetailor-bases/debian:bookworm-slim", "apt"),
    }
)


@pytest.fixture(autouse=True)
def _no_env_base_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)


def project(tmp_path: Path, example: str) -> Path:
    target = tmp_path / example
    shutil.copytree(
        EXAMPLES / example, target, ignore=shutil.ignore_patterns("node_modules", "__pycache__")
    )
    assert main(["init", "--yes", "--dir", str(target)]) == 0
    return target


@pytest.mark.parametrize("example", ["go-app", "python-app", "node-app"])
def test_golden_files(tmp_path: Path, example: str) -> None:
    """Generation of each example matches the reviewed files under tests/generate/golden."""
    root = project(tmp_path, example)
    rendered = render_all(load_spec(root / "tailor.toml"), BaseMap(), root)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for name, text in rendered.items():
            (GOLDEN / example).mkdir(parents=True, exist_ok=True)
            (GOLDEN / example / name.lstrip(".")).write_text(text)
    for name, text in rendered.items():
        expected = (GOLDEN / example / name.lstrip(".")).read_text()
        assert text == expected, f"{example}/{name} differs from its golden file"


def test_upstream_apk_family_uses_apk_and_map_switches_to_apt(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    spec = load_spec(root / "tailor.toml")
    upstream = render_all(spec, BaseMap(), root)["Dockerfile"]
    assert "apk add --no-cache curl dash" in upstream
    mapped = render_all(spec, OFFLINE_MAP, root)["Dockerfile"]
    assert "apk add" not in mapped
    assert "apt-get install -y --no-install-recommends curl dash" in mapped


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


def test_dockerignore_translates_gitignore(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    ignore = render_all(load_spec(root / "tailor.toml"), BaseMap(), root)[".dockerignore"]
    lines = ignore.splitlines()
    # .gitignore: "web/dist/*", "!web/dist/.gitkeep", "web/node_modules/", "/go-app"
    assert "web/dist/*" in lines
    assert "!web/dist/.gitkeep" in lines
    assert "go-app" in lines
    assert ".git" in lines and "tailor.toml" in lines


def test_extended_purpose_gets_stage_tag_and_bake_target(tmp_path: Path) -> None:
    root = project(tmp_path, "node-app")
    spec_path = root / "tailor.toml"
    spec_path.write_text(
        spec_path.read_text() + '\n[purposes.debug]\nextends = "local"\ntools = ["jq"]\n'
    )
    spec = load_spec(spec_path)
    assert spec.tag("debug") == "node-app:1.0.0-debug"
    rendered = render_all(spec, BaseMap(), root)
    assert "FROM local AS debug" in rendered["Dockerfile"]
    assert "apk add --no-cache jq" in rendered["Dockerfile"]
    assert 'target "debug"' in rendered["docker-bake.hcl"]
    assert '"node-app:1.0.0-debug"' in rendered["docker-bake.hcl"]


def test_scratch_deploy_for_go(tmp_path: Path) -> None:
    root = project(tmp_path, "go-app")
    spec_path = root / "tailor.toml"
    spec_path.write_text(spec_path.read_text().replace('base = "distroless"', 'base = "scratch"'))
    dockerfile = render_all(load_spec(spec_path), OFFLINE_MAP, root)["Dockerfile"]
    assert "FROM scratch AS deploy" in dockerfile
    assert "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/" in dockerfile
    assert "ARG DEPLOY_IMAGE" not in dockerfile
    assert "AS runtime" not in dockerfile  # nothing to de-duplicate against on scratch
    deploy = dockerfile.split("FROM scratch AS deploy", 1)[1].split("\nFROM ", 1)[0]
    assert "USER 65532:65532\n" in deploy
    assert 'ENTRYPOINT ["/app/go-app"]' in deploy
