"""Detection on the bundled examples and on small synthetic projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.project.detect import detect, image_name

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_go_example() -> None:
    found = detect(EXAMPLES / "go-app")
    assert (found.name, found.language, found.runtime_version) == ("go-app", "go", "1.19")
    assert found.main == "."
    assert found.test == "go test ./..."
    assert found.config == ["PORT", "GREETING"]
    assert found.manifests == ["go.mod"]
    assert found.frontend is not None
    assert (found.frontend.dir, found.frontend.build, found.frontend.output) == (
        "web",
        "build",
        "dist",
    )
    assert found.frontend.lockfile


def test_python_example() -> None:
    found = detect(EXAMPLES / "python-app")
    assert (found.name, found.language, found.runtime_version) == ("python-app", "python", "3.11")
    assert found.version == "1.0.0"
    assert found.main == "-m python_app"
    assert found.port == 8000
    assert found.manifests == ["requirements.txt"]
    assert found.test == "python3 -m pytest -q"
    assert found.test_tools == ["pytest"]
    assert found.config == ["PORT", "GREETING"]
    assert found.frontend is None


def test_node_example() -> None:
    found = detect(EXAMPLES / "node-app")
    assert (found.name, found.language, found.runtime_version) == ("node-app", "node", "18")
    assert found.main == "src/server.js"
    assert found.port == 8080
    assert found.test == "npm test"
    assert found.manifests == ["package.json", "package-lock.json"]
    assert found.config == ["PORT", "GREETING"]


def test_go_command_package_and_go_sum(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module github.com/acme/Shop_API\n\ngo 1.21\n")
    (tmp_path / "go.sum").write_text("")
    (tmp_path / "cmd" / "api").mkdir(parents=True)
    (tmp_path / "cmd" / "api" / "main.go").write_text(
        'package main\nimport "os"\nfunc main() { _ = os.Getenv("DB_URL"); addr := ":9090" }\n'
    )
    found = detect(tmp_path)
    assert found.name == "shop_api"
    assert found.runtime_version == "1.21"
    assert found.main == "./cmd/api"
    assert found.manifests == ["go.mod", "go.sum"]
    assert found.config == ["DB_URL"]
    assert found.port == 9090


def test_python_pyproject_only_unittest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "Billing.Service"\nversion = "2.3.4"\nrequires-python = ">=3.12"\n'
    )
    (tmp_path / "app.py").write_text("import os\nos.getenv('TOKEN')\nos.environ['REGION']\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text("import unittest\n")
    found = detect(tmp_path)
    assert (found.name, found.version, found.runtime_version) == (
        "billing.service",
        "2.3.4",
        "3.12",
    )
    assert found.main == "app.py"
    assert found.manifests == ["pyproject.toml"]
    assert found.test == "python3 -m unittest discover -s tests -v"
    assert found.config == ["TOKEN", "REGION"]


def test_node_without_lock_file_and_front_end(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps(
            {
                "name": "@acme/web-shop",
                "main": "./index.js",
                "scripts": {"test": 'echo "Error: no test specified" && exit 1'},
            }
        )
    )
    (tmp_path / "index.js").write_text("const p = process.env['LISTEN_PORT'];\n")
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "package.json").write_text(
        json.dumps({"scripts": {"build": "vite build --outDir public"}})
    )
    found = detect(tmp_path)
    assert found.name == "web-shop"
    assert found.main == "index.js"
    assert found.test == ""
    assert found.manifests == ["package.json"]
    assert found.config == ["LISTEN_PORT"]
    assert found.frontend is not None
    assert (found.frontend.dir, found.frontend.output, found.frontend.lockfile) == (
        "ui",
        "public",
        False,
    )


def test_front_end_without_build_script_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text(json.dumps({"scripts": {"test": "x"}}))
    assert detect(tmp_path).frontend is None


def test_no_manifest_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no go\.mod, pyproject\.toml"):
        detect(tmp_path)


def test_broken_package_json_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{not json")
    with pytest.raises(UsageError, match="cannot read"):
        detect(tmp_path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("example.com/go-app", "go-app"), ("@Scope/My App!!", "my-app"), ("...", "app")],
)
def test_image_name(raw: str, expected: str) -> None:
    assert image_name(raw) == expected
