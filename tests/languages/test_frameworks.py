"""Framework conventions the deploy image must honour to start and serve: Next.js's standalone
output and CodeIgniter's writable/ folder, from `tailor init --yes` to the generated Dockerfile."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from imagetailor.cli.main import main
from imagetailor.generate.files import render_all
from imagetailor.project.model import load_spec


@pytest.fixture(autouse=True)
def _no_env_base_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAILOR_BASE_MAP", raising=False)


def generated(root: Path, files: dict[str, str]) -> tuple[dict[str, object], str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    assert main(["init", "--yes", "--dir", str(root)]) == 0
    app = tomllib.loads((root / "tailor.toml").read_text())["app"]
    return app, render_all(load_spec(root / "tailor.toml"), root)["Dockerfile"]


def stage(dockerfile: str, name: str) -> str:
    return dockerfile.split(f" AS {name}\n", 1)[1].split("\nFROM ", 1)[0]


NEXT = {
    "package.json": json.dumps(
        {
            "name": "notes",
            "scripts": {"build": "next build", "start": "next start"},
            "dependencies": {"next": "15.5.6", "react": "19.2.0", "react-dom": "19.2.0"},
        }
    ),
    "package-lock.json": '{"lockfileVersion": 3, "packages": {}}',
    "app/page.js": "export default function Home() { return 'hi'; }\n",
}


def test_next_standalone_deploys_the_traced_server(tmp_path: Path) -> None:
    files = {**NEXT, "next.config.mjs": "export default { output: 'standalone' };\n"}
    app, dockerfile = generated(tmp_path, files)
    assert app["start"] == ["node", ".next/standalone/server.js"]
    build, deploy = stage(dockerfile, "build"), stage(dockerfile, "deploy")
    # Next leaves these two out of standalone; the traced node_modules must survive the build.
    assert "cp -r .next/static .next/standalone/.next/" in build
    assert "if [ -d public ]; then cp -r public .next/standalone/; fi" in build
    assert "-name node_modules" not in build
    assert "COPY --from=build /app/.next/standalone /app/.next/standalone\n" in deploy
    assert "--from=deps-prod" not in deploy
    assert 'ENV HOSTNAME="0.0.0.0" NODE_ENV="production"' in deploy
    assert 'ENTRYPOINT ["/nodejs/bin/node", "/app/.next/standalone/server.js"]' in deploy


def test_next_without_standalone_keeps_next_start(tmp_path: Path) -> None:
    app, dockerfile = generated(tmp_path, {**NEXT, "next.config.mjs": "export default {};\n"})
    assert app["start"] == ["node", "node_modules/next/dist/bin/next", "start"]
    assert "COPY --from=deps-prod /app /app" in stage(dockerfile, "deploy")
    # The build's webpack cache (44 MB for a two-page app) never reaches deploy.
    assert "RUN rm -rf .next/cache\n" in stage(dockerfile, "build")


def test_codeigniter_writable_belongs_to_deploys_user(tmp_path: Path) -> None:
    composer = {
        "name": "codeigniter4/appstarter",
        "require": {"php": "^8.1", "codeigniter4/framework": "^4.6"},
    }
    root = tmp_path / "helpdesk"
    app, dockerfile = generated(
        root,
        {
            "composer.json": json.dumps(composer),
            "spark": "#!/usr/bin/env php\n<?php\n",
            "public/index.php": "<?php\n",
            "writable/cache/index.html": "",
        },
    )
    assert app["name"] == "helpdesk"  # the skeleton's package name is no one's app name
    assert (
        "RUN mkdir -p writable/cache writable/logs writable/session writable/uploads "
        "writable/debugbar && \\\n    chown -R 65532:65532 writable\n"
    ) in stage(dockerfile, "build")
