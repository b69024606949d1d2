"""Detection: the bundled examples, and the rules behind each convention on small layouts written
the way each ecosystem documents them (the full projects are in tests/projects)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.project.bases import Base, BaseMap
from imagetailor.project.conventions import image_name, project_name
from imagetailor.project.detect import detect

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STAND_INS = BaseMap(
    {
        name: Base(name, f"imagetailor-bases/{name}", "none" if "distroless" in name else "apt")
        for name in (
            "python:3.11-slim-bookworm",
            "python:3.13-slim-trixie",
            "gcr.io/distroless/python3-debian12:nonroot",
            "gcr.io/distroless/python3-debian13:nonroot",
            "node:18-bookworm-slim",
            "node:20-trixie-slim",
            "node:22-trixie-slim",
            "gcr.io/distroless/nodejs18-debian12:nonroot",
            "gcr.io/distroless/nodejs20-debian13:nonroot",
            "gcr.io/distroless/nodejs22-debian13:nonroot",
            "golang:1.19-bookworm",
            "golang:1.24-trixie",
            "gcr.io/distroless/static-debian12:nonroot",
            "gcr.io/distroless/static-debian13:nonroot",
        )
    },
    "stand-ins",
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_go_example() -> None:
    found = detect(EXAMPLES / "go-app", STAND_INS)
    facts = found.facts
    assert (found.name, facts.language, found.runtime_version) == ("go-app", "go", "1.19")
    assert (facts.main, facts.start, facts.test) == (".", ["go-app"], "go test ./...")
    assert facts.config == ["PORT", "GREETING"]
    assert facts.manifests == ["go.mod"]
    assert facts.frontend is not None
    assert (facts.frontend.dir, facts.frontend.output, facts.frontend.manager) == (
        "web",
        "dist",
        "npm",
    )
    assert facts.frontend.node == "22", "the newest Node the map has"


def test_python_example() -> None:
    found = detect(EXAMPLES / "python-app", STAND_INS)
    facts = found.facts
    assert (found.name, found.version, found.runtime_version) == ("python-app", "1.0.0", "3.13")
    assert facts.start == ["python-app"], "the [project.scripts] entry point"
    assert facts.manager == "pip" and facts.manifests == ["requirements.txt"]
    assert facts.test == "python -m pytest" and facts.test_tools == ["pytest"]
    assert facts.config == ["PORT", "GREETING"]


def test_node_example() -> None:
    found = detect(EXAMPLES / "node-app", STAND_INS)
    facts = found.facts
    assert (found.name, found.runtime_version) == ("node-app", "22")
    assert facts.start == ["node", "src/server.js"]
    assert found.port == 8080 and facts.test == "npm test"
    assert facts.manager == "npm" and facts.manifests == ["package.json", "package-lock.json"]


@pytest.mark.parametrize(
    ("files", "version"),
    [
        ({"requirements.txt": "", ".python-version": "3.11.9\n"}, "3.11"),
        ({"requirements.txt": "", "runtime.txt": "python-3.11.4\n"}, "3.11"),
        ({"pyproject.toml": '[project]\nname="a"\nrequires-python=">=3.8"\n'}, "3.13"),
        ({"pyproject.toml": '[project]\nname="a"\nrequires-python=">=3.9,<3.12"\n'}, "3.11"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython="^3.11"\n'}, "3.13"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython="~3.11"\n'}, "3.11"),
        ({"Pipfile": '[requires]\npython_version = "3.11"\n'}, "3.11"),
    ],
)
def test_python_version_is_the_newest_the_constraint_allows(
    tmp_path: Path, files: dict[str, str], version: str
) -> None:
    write(tmp_path, {**files, "main.py": "if __name__ == '__main__':\n    print(1)\n"})
    assert detect(tmp_path, STAND_INS).runtime_version == version


@pytest.mark.parametrize(
    ("files", "version"),
    [
        ({".nvmrc": "v20.11.1\n"}, "20"),
        ({".nvmrc": "lts/hydrogen\n"}, "18"),
        ({".node-version": "22\n"}, "22"),
        ({"package.json": json.dumps({"engines": {"node": ">=18 <21"}})}, "20"),
        ({"package.json": json.dumps({"engines": {"node": "18.x || 20.x"}})}, "20"),
        ({"package.json": json.dumps({"volta": {"node": "18.19.0"}})}, "18"),
    ],
)
def test_node_version(tmp_path: Path, files: dict[str, str], version: str) -> None:
    write(tmp_path, {"package.json": "{}", "server.js": "", **files})
    assert detect(tmp_path, STAND_INS).runtime_version == version


def test_a_version_nothing_provides_is_an_unknown_naming_the_key(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": json.dumps({"engines": {"node": "4.0.0"}}), "index.js": ""})
    found = detect(tmp_path, STAND_INS)
    (unknown,) = found.facts.unknowns
    assert unknown.key == "app.runtime_version"
    assert "4.0.0" in unknown.why and "22, 20, 18" in unknown.why and "stand-ins" in unknown.why


@pytest.mark.parametrize(
    ("files", "manager", "manifests"),
    [
        ({"package-lock.json": "{}"}, "npm", ["package.json", "package-lock.json"]),
        ({"yarn.lock": "# yarn lockfile v1\n"}, "yarn", ["package.json", "yarn.lock"]),
        (
            {
                "yarn.lock": "__metadata:\n  version: 8\n",
                ".yarnrc.yml": "nodeLinker: node-modules\n",
            },
            "yarn-berry",
            ["package.json", "yarn.lock", ".yarnrc.yml"],
        ),
        (
            {"pnpm-lock.yaml": "lockfileVersion: '9.0'\n"},
            "pnpm",
            ["package.json", "pnpm-lock.yaml"],
        ),
    ],
)
def test_node_lock_files(
    tmp_path: Path, files: dict[str, str], manager: str, manifests: list[str]
) -> None:
    manifest = {
        "name": "shop",
        "dependencies": {"express": "^4"},
        "scripts": {"start": "node a.js"},
    }
    write(tmp_path, {"package.json": json.dumps(manifest), "a.js": "", **files})
    facts = detect(tmp_path, STAND_INS).facts
    assert (facts.manager, facts.manifests) == (manager, manifests)


def test_package_manager_field_wins_and_workspaces_copy_every_manifest(tmp_path: Path) -> None:
    manifest = {
        "name": "mono",
        "packageManager": "pnpm@9.12.0",
        "private": True,
        "scripts": {"start": "pnpm --filter api start"},
    }
    write(
        tmp_path,
        {
            "package.json": json.dumps(manifest),
            "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n",
            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
            "packages/api/package.json": json.dumps(
                {"name": "api", "scripts": {"start": "node i.js"}}
            ),
            "packages/shared/package.json": json.dumps({"name": "shared"}),
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert facts.manager == "pnpm"
    assert facts.manifests == [
        "package.json",
        "pnpm-lock.yaml",
        "pnpm-workspace.yaml",
        "packages/api/package.json",
        "packages/shared/package.json",
    ]


def test_node_scripts_start_build_and_no_dependencies(tmp_path: Path) -> None:
    manifest = {
        "name": "api",
        "scripts": {
            "build": "tsc -p .",
            "start": "npm run serve",
            "serve": "NODE_ENV=production node dist/index.js",
        },
        "devDependencies": {"typescript": "5.6.3"},
    }
    write(
        tmp_path,
        {
            "package.json": json.dumps(manifest),
            "package-lock.json": "{}",
            "src/index.ts": "app.listen(3000)\n",
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert facts.start == ["node", "dist/index.js"]
    assert facts.build == "npm run build"
    assert facts.port == 3000 or detect(tmp_path, STAND_INS).port == 3000
    write(
        tmp_path,
        {
            "package.json": json.dumps({"name": "bare", "main": "server.js"}),
            "server.js": "require('http').createServer().listen(process.env.PORT || 8081)",
        },
    )
    os.remove(tmp_path / "package-lock.json")
    found = detect(tmp_path, STAND_INS)
    assert (found.facts.manager, found.facts.start, found.port) == (
        "none",
        ["node", "server.js"],
        8081,
    )
    assert found.facts.test == "", "no test script: the ci image runs a syntax check instead"


def test_static_single_page_app(tmp_path: Path) -> None:
    manifest = {
        "name": "spa",
        "scripts": {"dev": "vite", "build": "vite build", "start": "vite"},
        "devDependencies": {"vite": "5.4.0"},
    }
    write(
        tmp_path,
        {
            "package.json": json.dumps(manifest),
            "package-lock.json": "{}",
            "src/main.js": "document.body.textContent = 'hi'\n",
            "vite.config.js": "export default { build: { outDir: 'public-dist' } }\n",
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert (facts.kind, facts.assets, facts.start) == (
        "static",
        ["public-dist"],
        [],
    )


def test_procfile_web_process_is_the_start(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "django==5.1.3\ngunicorn==23.0.0\n",
            "manage.py": "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
            "mysite/__init__.py": "",
            "mysite/settings.py": (
                "STATIC_ROOT = BASE_DIR / 'staticfiles'\nSECRET_KEY = os.environ['SECRET_KEY']\n"
            ),
            "mysite/wsgi.py": "",
            "Procfile": (
                "release: python manage.py migrate\nweb: gunicorn mysite.wsgi --log-file -\n"
            ),
            ".env.example": "SECRET_KEY=change-me\nDATABASE_URL=postgres://localhost/db\n",
        },
    )
    found = detect(tmp_path, STAND_INS)
    facts = found.facts
    assert facts.start == ["gunicorn", "mysite.wsgi", "--log-file", "-"]
    assert facts.start_source == "Procfile web"
    assert facts.test == "python manage.py test"
    assert facts.build == "SECRET_KEY=build-placeholder python manage.py collectstatic --noinput"
    assert facts.config == ["SECRET_KEY", "DATABASE_URL"]
    assert found.port == 8000
    assert (
        "Procfile release (python manage.py migrate): deploy does not run it; run it once per "
        "release (a job or init container) with the deploy image"
    ) in facts.notes


def test_procfile_other_processes_are_named_with_their_command(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "flask==3.1.2\ngunicorn==23.0.0\ncelery==5.5.3\n",
            "Procfile": "worker: celery -A tasks worker\nweb: gunicorn web:app\n",
            "web.py": "from flask import Flask\napp = Flask(__name__)\n",
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert facts.start == ["gunicorn", "web:app"]
    assert (
        "Procfile worker (celery -A tasks worker): deploy runs web only; run worker as its own "
        "deployment of the image, with that command"
    ) in facts.notes


@pytest.mark.parametrize(
    ("procfile", "start"),
    [
        ("web: gunicorn --chdir src desk.wsgi --log-file -\n",
         ["gunicorn", "--chdir", "src", "desk.wsgi", "--log-file", "-"]),
        ("", ["gunicorn", "--chdir", "src", "desk.wsgi"]),
    ],
)  # fmt: skip
def test_django_project_in_src(tmp_path: Path, procfile: str, start: list[str]) -> None:
    """manage.py in src/: collectstatic and the tests run through src/manage.py (else a
    manifest storage 500s every page and unittest from the root finds no test)."""
    files = {
        "requirements.txt": "Django==5.2.8\ngunicorn==23.0.0\nwhitenoise==6.11.0\n",
        "src/manage.py": "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'desk.settings')\n",
        "src/desk/__init__.py": "",
        "src/desk/settings.py": "STATIC_ROOT = BASE_DIR / 'staticfiles'\n",
        "src/desk/wsgi.py": "",
        "src/pages/__init__.py": "",
        "src/pages/tests.py": "from django.test import SimpleTestCase\n",
    }
    if procfile:
        files["Procfile"] = procfile
    facts = detect(write(tmp_path, files), STAND_INS).facts
    assert facts.start == start
    assert facts.build == "python src/manage.py collectstatic --noinput"
    assert facts.test == "python src/manage.py test src"
    assert facts.kind == "web"


def test_flask_factory_boot_sh_and_fastapi(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "flask==3.0.3\ngunicorn==23.0.0\n",
            "app/__init__.py": "def create_app():\n    return Flask(__name__)\n",
            "boot.sh": (
                "#!/bin/sh\n"
                "flask db upgrade\n"
                "exec gunicorn -b :5000 --access-logfile - microblog:app\n"
            ),
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert facts.start == ["gunicorn", "-b", ":5000", "--access-logfile", "-", "microblog:app"]
    assert detect(tmp_path, STAND_INS).port == 5000
    os.remove(tmp_path / "boot.sh")
    assert detect(tmp_path, STAND_INS).facts.start == ["gunicorn", "app:create_app()"]
    write(
        tmp_path,
        {
            "requirements.txt": "fastapi==0.115.0\nuvicorn==0.32.0\n",
            "app/__init__.py": "",
            "app/main.py": "app = FastAPI()\n",
        },
    )
    assert detect(tmp_path, STAND_INS).facts.start == ["uvicorn", "app.main:app"]


@pytest.mark.parametrize(
    ("files", "manager"),
    [
        (
            {
                "uv.lock": "version = 1\n",
                "pyproject.toml": '[project]\nname="a"\ndependencies=["x"]\n',
            },
            "uv",
        ),
        ({"poetry.lock": "", "pyproject.toml": '[tool.poetry]\nname="a"\n'}, "poetry"),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython="^3.11"\nflask="^3"\n'}, "poetry"),
        ({"pdm.lock": "", "pyproject.toml": '[project]\nname="a"\n'}, "pdm"),
        ({"Pipfile": "[packages]\nflask='*'\n", "Pipfile.lock": "{}"}, "pipenv"),
        ({"requirements/base.txt": "flask\n", "requirements/prod.txt": "-r base.txt\n"}, "pip"),
        ({"pyproject.toml": '[project]\nname="a"\ndependencies=["flask"]\n'}, "pyproject"),
        ({"setup.cfg": "[options]\ninstall_requires =\n  flask\n"}, "setuptools"),
        (
            {
                "setup.py": (
                    "from setuptools import setup\nsetup(name='a', install_requires=['flask'])\n"
                )
            },
            "setuptools",
        ),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, "none"),
    ],
)
def test_python_managers(tmp_path: Path, files: dict[str, str], manager: str) -> None:
    write(tmp_path, {**files, "main.py": "if __name__ == '__main__':\n    pass\n"})
    assert detect(tmp_path, STAND_INS).facts.manager == manager


def test_go_commands_vendor_cgo_and_assets(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "go.mod": "module github.com/acme/shop\n\ngo 1.24.1\n\ntoolchain go1.24.3\n",
            "vendor/modules.txt": "# example.com/lib v1.0.0\n## explicit\nexample.com/lib\n",
            "cmd/shop/main.go": (
                "package main\n"
                'import "net/http"\n'
                'func main() { http.ListenAndServe(":9090", nil) }\n'
            ),
            "cmd/worker/main.go": "package main\nfunc main() {}\n",
            "internal/db/db.go": 'package db\n// #include <stdio.h>\nimport "C"\n',
            "templates/index.html": "<h1>{{.}}</h1>",
            "static/app.css": "body{}",
            "internal/web/web.go": (
                "package web\n"
                'var t = template.Must(template.ParseGlob("templates/*.html"))\n'
                'var s = http.Dir("static")\n'
            ),
        },
    )
    found = detect(tmp_path, STAND_INS)
    facts = found.facts
    assert (facts.manager, found.runtime_version) == ("vendor", "1.24")
    assert facts.main == "./cmd/shop" and facts.start == ["shop"]
    assert facts.choices["app.main"] == ["./cmd/shop", "./cmd/worker"]
    assert facts.cgo and facts.assets == ["templates", "static"]
    assert found.port == 9090


@pytest.mark.parametrize(
    "require",
    [
        "require github.com/mattn/go-sqlite3 v1.14.22\n",
        "require (\n\tgorm.io/driver/sqlite v1.6.0\n"
        "\tgithub.com/mattn/go-sqlite3 v1.14.22 // indirect\n)\n",
    ],
)
def test_go_cgo_through_a_dependency(tmp_path: Path, require: str) -> None:
    """go-sqlite3 is cgo: built with CGO_ENABLED=0 it is a stub whose every query fails, so a
    project requiring it is cgo even though none of its own files imports "C"."""
    write(
        tmp_path,
        {
            "go.mod": f"module example.com/shelf\n\ngo 1.22\n\n{require}",
            "main.go": 'package main\nimport _ "github.com/mattn/go-sqlite3"\nfunc main() {}\n',
        },
    )
    facts = detect(tmp_path, STAND_INS).facts
    assert facts.cgo
    assert "cgo (github.com/mattn/go-sqlite3 needs it)" in " ".join(facts.notes)


def test_go_without_go_mod_and_several_unnamed_commands(tmp_path: Path) -> None:
    write(tmp_path, {"main.go": 'package main\nimport "fmt"\nfunc main() { fmt.Println("hi") }\n'})
    facts = detect(tmp_path, STAND_INS).facts
    assert (facts.manager, facts.main, facts.kind) == ("none", ".", "cli")
    os.remove(tmp_path / "main.go")
    write(
        tmp_path,
        {
            "go.mod": "module x/y\ngo 1.19\n",
            "cmd/a/main.go": "package main\nfunc main() {}\n",
            "cmd/b/main.go": "package main\nfunc main() {}\n",
        },
    )
    (unknown,) = detect(tmp_path, STAND_INS).facts.unknowns
    assert unknown.key == "app.main" and "./cmd/a, ./cmd/b" in unknown.why


@pytest.mark.parametrize(
    ("file", "title"),
    [
        ("mix.exs", "Elixir (Mix)"),
        ("deno.json", "Deno"),
        ("Package.swift", "Swift"),
    ],
)
def test_unsupported_languages_are_named(tmp_path: Path, file: str, title: str) -> None:
    write(tmp_path, {file: "{}"})
    with pytest.raises(UsageError) as info:
        detect(tmp_path)
    message = str(info.value)
    assert title in message and ".NET, Go, Java, Node.js, PHP, Python, Ruby, Rust" in message
    assert "run `tailor init`" not in message and "\n" not in message


def test_no_project_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no project found"):
        detect(tmp_path)


def test_broken_manifests_do_not_crash(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": "{not json", "index.js": ""})
    assert detect(tmp_path, STAND_INS).facts.start == ["node", "index.js"]
    write(
        tmp_path / "p",
        {"pyproject.toml": "[project\n", "main.py": "if __name__ == '__main__': pass\n"},
    )
    assert detect(tmp_path / "p", STAND_INS).facts.language == "python"


def test_a_fifo_in_the_project_is_never_opened(tmp_path: Path) -> None:
    write(tmp_path, {"index.js": "", "package.json": "{}"})
    for name in ("Procfile", ".nvmrc", "package-lock.json", ".env.example", "server.js"):
        os.mkfifo(tmp_path / name)
    found = detect(tmp_path, STAND_INS)
    assert found.facts.start == ["node", "index.js"] and found.facts.manager == "none"
    os.remove(tmp_path / "package.json")
    os.mkfifo(tmp_path / "package.json")
    with pytest.raises(UsageError, match="no project found"):
        detect(tmp_path, STAND_INS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com/go-app", "example.com-go-app"),
        ("@Scope/My App!!", "scope-my-app"),
        ("...", ""),
    ],
)
def test_image_name(raw: str, expected: str) -> None:
    assert image_name(raw) == expected


def test_name_is_never_app(tmp_path: Path) -> None:
    assert project_name("", tmp_path / "My_Service.v2")[0] == "my_service.v2"
    assert project_name("app", tmp_path / "app")[0] == f"{image_name(tmp_path.name)}-app"
