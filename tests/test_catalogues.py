"""Every data catalogue users extend loads through one loader: the bundled file, then
~/.config/imagetailor/NAME, then the file the catalogue's environment variable names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imagetailor import languages
from imagetailor.errors import UsageError
from imagetailor.generate import recipes
from imagetailor.languages.upstream import upstream
from imagetailor.lint import catalogue as lint_data
from imagetailor.lint.engine import lint_text
from imagetailor.project import bases


def _clear() -> None:
    recipes.catalogue.cache_clear()
    lint_data.lint_catalogue.cache_clear()
    bases.upstream_catalogue.cache_clear()
    languages.plugins.cache_clear()


@pytest.fixture(autouse=True)
def fresh_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no user's own additions
    for name in (
        "TAILOR_RECIPES",
        "TAILOR_LINT",
        "TAILOR_BASES",
        "TAILOR_TOOLS",
        "TAILOR_LANGUAGES",
    ):
        monkeypatch.delenv(name, raising=False)
    _clear()
    yield
    _clear()


def test_recipes_from_the_environment_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "recipes.toml"
    extra.write_text('[tools.frobtool]\nsummary = "a made-up tool"\napt = ["frobtool"]\n')
    with pytest.raises(UsageError, match=r"unknown tool 'frobtool'.*TAILOR_RECIPES"):
        recipes.catalogue().get("frobtool")
    monkeypatch.setenv("TAILOR_RECIPES", str(extra))
    _clear()
    assert recipes.catalogue().get("frobtool").packages == {"apt": ("frobtool",)}
    assert recipes.catalogue().get("curl").packages["apt"] == ("curl",)  # bundled ones stay
    installs = recipes.plan_installs(["frobtool", "curl"], "apt", "python")
    assert [(i.manager, i.packages) for i in installs] == [("apt", ("frobtool", "curl"))]


def test_user_config_dir_recipes(tmp_path: Path) -> None:
    config = tmp_path / "home" / ".config" / "imagetailor"
    config.mkdir(parents=True)
    (config / "recipes.toml").write_text('[tools.frobtool]\napk = ["frobtool"]\n')
    assert recipes.catalogue().get("frobtool").packages == {"apk": ("frobtool",)}


def test_lint_stage_names_from_the_environment_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dockerfile = "FROM golang:1.22 AS shipit\nRUN go build ./...\n\nFROM alpine:3.20 AS other\n"
    before = [t.purpose for t in _targets(dockerfile)]
    extra = tmp_path / "lint.toml"
    extra.write_text('[stage_names.purposes]\ndeploy = ["shipit"]\n')
    monkeypatch.setenv("TAILOR_LINT", str(extra))
    _clear()
    after = [t.purpose for t in _targets(dockerfile)]
    # Without the addition the last stage is the default deploy build; with it, shipit is.
    assert (before, after) == ([None, "deploy"], ["deploy", None])
    assert lint_text(dockerfile)  # the judged target changed, the rules still run


def _targets(text: str) -> list[object]:
    from imagetailor.lint.model import build_model
    from imagetailor.lint.parse import parse_text

    return list(build_model(parse_text(text, "Dockerfile")).targets)


def test_a_stage_name_claimed_by_two_purposes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "lint.toml"
    extra.write_text('[stage_names.purposes]\nci = ["release"]\n')
    monkeypatch.setenv("TAILOR_LINT", str(extra))
    with pytest.raises(UsageError, match="'release' announces both deploy and ci"):
        lint_data.lint_catalogue()


def test_lint_reads_tool_additions_like_inspect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lint_data.lint_catalogue().tool_category("frobnicate-tools", "apt") is None
    extra = tmp_path / "tools.toml"
    extra.write_text('[categories.debugger]\npackages = ["frobnicate-tools"]\n')
    monkeypatch.setenv("TAILOR_TOOLS", str(extra))
    _clear()
    assert lint_data.lint_catalogue().tool_category("frobnicate-tools", "apt") == "debugger"


def test_upstream_names_come_from_the_language_data_and_user_additions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    python = languages.plugin("python").data
    assert upstream(python, "3.11", "toolchain") == "python:3.11-slim-bookworm"
    assert upstream(python, "3.13", "deploy") == "gcr.io/distroless/python3-debian13:nonroot"
    assert upstream(python, "3.13", "tools") == "debian:trixie-slim"
    node = languages.plugin("node").data
    assert upstream(node, "20", "deploy") == "gcr.io/distroless/nodejs20-debian13:nonroot"
    assert upstream(node, "18", "toolchain") == "node:18-bookworm-slim"
    with pytest.raises(UsageError, match=r"distroless has no Python 3\.12 runtime"):
        upstream(python, "3.12", "deploy")
    assert bases.default_family("mirror.example/wolfi-base:1") == "apt"
    folder = tmp_path / "languages"
    folder.mkdir()
    (folder / "python.toml").write_text(
        '[bases]\ndeploy = "mirror.example/python:{major}-runtime"\n'
        '[versions."3.14"]\ndebian = "trixie"\ndeploy = ""\n'
    )
    (tmp_path / "bases.toml").write_text("[families]\napk = ['wolfi']\n")
    monkeypatch.setenv("TAILOR_LANGUAGES", str(folder))
    monkeypatch.setenv("TAILOR_BASES", str(tmp_path / "bases.toml"))
    _clear()
    python = languages.plugin("python").data
    assert upstream(python, "3.14", "deploy") == "mirror.example/python:3-runtime"
    assert upstream(python, "3.11", "toolchain") == "python:3.11-slim-bookworm"
    assert bases.default_family("mirror.example/wolfi-base:1") == "apk"
    assert bases.default_family("alpine:3.20") == "apk"  # bundled patterns stay


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[debian]\nbookworm = 'twelve'\n", "maps codenames to release numbers"),
        ("[families]\napk = ['(']\n", "families.apk: bad regex"),
        ('[families]\ndefault = "yum"\n', "families.default = 'yum'; use apt, apk or none"),
    ],
)
def test_bad_bases_additions_are_one_line_errors(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "bases.toml"
    extra.write_text(text)
    monkeypatch.setenv("TAILOR_BASES", str(extra))
    with pytest.raises(UsageError, match=message):
        bases.upstream_catalogue()


def test_bad_language_addition_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "go.toml").write_text('[versions."1.30"]\nnote = "no debian"\n')
    monkeypatch.setenv("TAILOR_LANGUAGES", str(tmp_path))
    _clear()
    with pytest.raises(
        UsageError, match=r"language data go.toml: versions.1.30.debian: Field required"
    ):
        languages.plugins()
