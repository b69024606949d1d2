"""tailor.toml validation: every bad value is one line naming the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.project.bases import BaseMap, default_family, load_base_map
from imagetailor.project.model import load_project, load_spec

GOOD = """
[app]
name = "shop-api"
version = "1.4.2"
language = "go"
runtime_version = "1.19"
main = "."
port = 8080
test = "go test ./..."
config = ["PORT", "DB_URL"]
manifests = ["go.mod"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tailor.toml"
    path.write_text(text)
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(UsageError) as info:
        load_spec(write(tmp_path, text))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_good_spec_and_tags(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, GOOD))
    assert spec.all_purposes() == ["deploy", "ci", "local", "dev"]
    assert spec.tag("deploy") == "shop-api:1.4.2"
    assert spec.tag("dev") == "shop-api:1.4.2-dev"


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        (("port = 8080", "port = 70000"), "app.port", "1-65535"),
        (('name = "shop-api"', 'name = "Shop API"'), "app.name", "lower-case"),
        (
            ('language = "go"', 'language = "elixir"'),
            "app.language",
            "dotnet, go, java, node, php, python, ruby, rust",
        ),
        (('version = "1.4.2"', 'version = "1.4.2 beta"'), "app.version", "use a tag"),
        (
            ('config = ["PORT", "DB_URL"]', 'config = ["DB_URL=postgres://x"]'),
            "app.config.0",
            "NAMES",
        ),
        (
            ('runtime_version = "1.19"', 'runtime_version = "latest"'),
            "app.runtime_version",
            "digits",
        ),
        (('manifests = ["go.mod"]', 'manifests = ["../go.mod"]'), "app.manifests.0", None),
        (("port = 8080", "port = true"), "app.port", "1-65535"),
        (("port = 8080", 'port = "8080"'), "app.port", "1-65535"),
        (('name = "shop-api"', f'name = "{"a" * 300}"'), "app.name", "lower-case"),
        (('name = "shop-api"', 'name = "../etc"'), "app.name", "lower-case"),
        (('name = "shop-api"', 'name = "Shop"'), "app.name", "lower-case"),
        (('version = "1.4.2"', 'version = "1.4.2\\nRUN x"'), "app.version", "use a tag"),
        (('main = "."', 'main = "./cmd/api\\nUSER root"'), "app.main", "Go package"),
        (('test = "go test ./..."', 'test = "go test\\u0000"'), "app.test", "one line"),
        (('main = "."', 'main = "."\nstart = "go-app"'), "app.start", "list of words"),
        (('main = "."', 'main = "."\npackage_manager = "poetry"'), "app.package_manager", None),
        (("port = 8080", 'port = 8080\ncolour = "blue"'), "app.colour", "unknown key"),
    ],
)
def test_bad_value_names_key_and_fix(
    tmp_path: Path, change: tuple[str, str], key: str, fix: str | None
) -> None:
    message = error_of(tmp_path, GOOD.replace(*change))
    assert f"tailor.toml: {key}:" in message
    if fix is not None:
        assert fix in message


def test_missing_key(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('name = "shop-api"\n', ""))
    assert "app.name: missing; fix: use lower-case" in message


def test_error_lines_stay_short(tmp_path: Path) -> None:
    for change in (
        ('name = "shop-api"', f'name = "{"x" * 100_000}"'),
        ('version = "1.4.2"', f'version = "{"1" * 100_000}"'),
    ):
        assert len(error_of(tmp_path, GOOD.replace(*change))) < 300


def test_legacy_main_becomes_the_start(tmp_path: Path) -> None:
    text = (
        GOOD.replace('language = "go"', 'language = "python"')
        .replace('runtime_version = "1.19"', 'runtime_version = "3.11"')
        .replace('main = "."', 'main = "-m shop"')
    )
    assert load_spec(write(tmp_path, text)).app.start == ["python", "-m", "shop"]


def test_not_toml(tmp_path: Path) -> None:
    assert "is not valid TOML" in error_of(tmp_path, "[app\nname=")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="run `tailor init` first"):
        load_spec(tmp_path / "tailor.toml")


def test_purpose_extends(tmp_path: Path) -> None:
    text = GOOD + '\n[purposes.local]\ntools = ["curl"]\n[purposes.canary]\nextends = "local"\n'
    text += 'tools = ["jq", "curl"]\n'
    spec = load_spec(write(tmp_path, text))
    assert spec.all_purposes() == ["deploy", "ci", "local", "dev", "canary"]
    assert spec.base_purpose("canary") == "local"
    defaults = {"deploy": [], "ci": [], "local": ["shell"], "dev": []}
    assert spec.tools_for("canary", defaults) == ["curl", "jq"]
    assert spec.tools_for("local", defaults) == ["curl"]
    assert spec.tools_for("ci", defaults) == []


def test_purpose_must_extend_a_builtin(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD + '\n[purposes.canary]\nextends = "staging"\n')
    assert "tailor.toml: purposes.canary.extends: 'staging'; fix:" in message
    assert "extends = one of deploy, ci, local, dev" in message


def test_unknown_purpose_is_a_usage_error(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, GOOD))
    with pytest.raises(UsageError, match="unknown purpose 'qa'"):
        spec.base_purpose("qa")


def test_policy_and_lint_tables_pass_through(tmp_path: Path) -> None:
    text = GOOD + "\n[policy.deploy]\nmax_layers = 5\n[lint]\nignore = ['TL206']\n"
    spec = load_spec(write(tmp_path, text))
    assert spec.policy == {"deploy": {"max_layers": 5}}


def test_bases_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = GOOD + (
        '\n[bases."golang:1.19-bookworm"]\nimage = "mirror/golang:1.19"\nfamily = "apt"\n'
        '[bases."alpine:3.20"]\nimage = "mirror/alpine:3.20"\n'
    )
    write(tmp_path, text)
    env_map = tmp_path / "env.toml"
    env_map.write_text('[bases."alpine:3.20"]\nimage = "env/debian:12"\nfamily = "apt"\n')
    flag_map = tmp_path / "flag.toml"
    flag_map.write_text('[bases."golang:1.19-bookworm"]\nimage = "flag/go"\nfamily = "apt"\n')
    monkeypatch.setenv("TAILOR_BASE_MAP", str(env_map))
    _, bases = load_project(tmp_path)
    assert bases.resolve("alpine:3.20").image == "env/debian:12"
    assert bases.resolve("golang:1.19-bookworm").image == "mirror/golang:1.19"
    _, bases = load_project(tmp_path, flag_map)
    assert bases.resolve("golang:1.19-bookworm").image == "flag/go"
    assert bases.resolve("alpine:3.20").family == "apt"
    assert bases.resolve("node:18-bookworm-slim").image == "node:18-bookworm-slim"


@pytest.mark.parametrize(
    ("upstream", "family"),
    [
        ("alpine:3.20", "apk"),
        ("golang:1.19-alpine", "apk"),
        ("gcr.io/distroless/static-debian12:nonroot", "none"),
        ("scratch", "none"),
        ("debian:bookworm-slim", "apt"),
    ],
)
def test_default_family(upstream: str, family: str) -> None:
    assert default_family(upstream) == family


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[bases."x:1"]\nfamily = "apt"\n', 'bases."x:1".image: missing'),
        ('[bases."x:1"]\nimage = "y"\nfamily = "yum"\n', "family: 'yum' unknown"),
        ("[mirrors]\nx = 1\n", "unknown table 'mirrors'"),
        ('[bases."x:1"]\nimage = "y"\ntag = "z"\n', ".tag: unknown key"),
    ],
)
def test_bad_base_map(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=expected.replace(".", r"\.").replace("'", "'")):
        load_base_map(path)


def test_offline_map_format_parses(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text(
        '# written by scripts/offline-bases\n\n[bases."golang:1.19-bookworm"]\n'
        'image = "imagetailor-bases/golang:1.19"\nfamily = "apt"\n'
    )
    bases = load_base_map(path)
    assert isinstance(bases, BaseMap)
    assert bases.resolve("golang:1.19-bookworm").image == "imagetailor-bases/golang:1.19"


def test_generated_file_names_stay_in_the_project_folder(tmp_path: Path) -> None:
    for name in (".git/hooks/pre-commit", "../Dockerfile", "a/b", ".hidden", "x" * 200):
        message = error_of(tmp_path, GOOD + f'\n[generate]\ndockerfile = "{name}"\n')
        assert "generate.dockerfile:" in message
