"""Corpus layouts built for real: `tailor init --yes`, `tailor generate`, `tailor build` of all
four images on the offline stand-ins (with the ci image's tests run by tailor build), then the
deploy image started: it answers on its path (web, static), prints and exits 0 (cli), or keeps
running (worker). One layout of each convention family runs in CI; `scripts/test --all`
(TAILOR_CORPUS=all) builds every layout. All builds share one BuildKit cache.

Figures (sizes, build and check time, smoke) go to $TAILOR_CORPUS_REPORT when it is set.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_examples import free_port, tailor
from tests.make.corpus import Layout, copy, layouts

pytestmark = [pytest.mark.e2e, pytest.mark.engine, pytest.mark.slow]

# One layout per convention family (tests/projects/INDEX.md lists what each exercises).
FAMILIES = {
    "python, Django, requirements/ folder, Procfile $PORT": "mysite",
    "python, Django, Poetry lock": "bookshelf",
    "python, Flask factory started by boot.sh, own Dockerfile": "microblog",
    "python, uv lock, src layout, console script (cli)": "quotegen",
    "python, PDM lock, Starlette, pdm script": "starlette-hello",
    "python, Pipenv lock, worker-only Procfile, compiled wheel": "yaml-worker",
    "python, setup.py only, console script, compiled wheel": "htmlsafe",
    "node, npm, TypeScript built to dist/": "ts-service",
    "node, pnpm workspace, packageManager": "acme-monorepo",
    "node, Yarn 1 lock, .nvmrc": "notes-api",
    "node, Yarn 2+ lock, node-modules linker": "berry-app",
    "node, static single-page app (vite)": "vite-counter",
    "node, native addon compiled by node-gyp": "sqlite-notes",
    "go, two commands under cmd/": "orders",
    "go, vendor/ tree": "quotes",
    "go, cgo (glibc deploy base)": "cfib",
    "go, templates/ and static/ read at run time": "guestbook",
    "go, a main package without go.mod": "gopath-hello",
    "go, a workspace of two modules (go.work)": "textkit",
    "node, hono, node --env-file in scripts.start": "hono-envfile",
    "rust, virtual workspace, rust-toolchain.toml": "cargo-workspace",
    "rust, build.rs and a [[bin]] path (cli)": "buildinfo",
    "php, composer without dependencies, front controller at the root": "guestbook-php",
    "php, plain files without composer.json": "plain-php",
    "php, document root htdocs/ (never the project root)": "guestnotes",
    "rust, a config folder read at run time": "rotlog",
    "php, ext-* requirements installed with docker-php-ext-install": "php-intl-money",
    "python, Django in src/, WhiteNoise manifest storage (collectstatic)": "deskapp",
    "node, Next.js output: standalone (server.js, static copied in)": "release-notes",
}
ALL = os.environ.get("TAILOR_CORPUS") == "all"
SELECTED = [
    layout
    for layout in layouts()
    if layout.supported
    and layout.path.parent.name == "projects"  # the examples are built by tests/e2e
    # Layouts whose dependencies this machine cannot reach (crates.io) are generated only.
    and layout.expect.get("verified", True)
    and (ALL or layout.name in FAMILIES.values())
]


def report(layout: Layout, figures: dict[str, object]) -> None:
    path = os.environ.get("TAILOR_CORPUS_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"layout": layout.name, **figures}) + "\n")


@pytest.mark.parametrize("layout", SELECTED, ids=lambda layout: layout.name)
def test_layout_builds_fits_and_starts(layout: Layout, base_map: Path, tmp_path: Path) -> None:
    root = copy(layout, tmp_path)
    env = {**os.environ, "TAILOR_BASE_MAP": str(base_map)}
    for step in (["init", "--yes"], ["generate"]):
        done = tailor(*step, cwd=root, env=env)
        assert done.returncode == 0, f"tailor {step[0]}: {done.stderr[-2000:]}"
    done = tailor("build", "--format", "json", cwd=root, env=env)
    assert done.returncode in (0, 1), f"tailor build failed: {done.stderr[-3000:]}"
    results = json.loads(done.stdout)
    by_purpose = {r["purpose"]: r for r in results}
    assert list(by_purpose) == ["deploy", "ci", "local", "dev"]
    unfit = {p: r["failed_rules"] for p, r in by_purpose.items() if not r["fit"]}
    ci_run = by_purpose["ci"]["ci_run"]
    assert ci_run is not None and ci_run["passed"], f"ci tests failed:\n{ci_run['output_tail']}"
    assert unfit == {}, f"not fit: {unfit}\n{done.stderr[-2000:]}"
    kind = str(layout.want("kind"))
    tag = str(by_purpose["deploy"]["tag"])
    if kind in ("web", "static", "fastcgi"):
        # fastcgi: --port is nginx's, in front of PHP-FPM (which gets a free port of its own).
        reads_port = bool(layout.expect.get("reads_port_env", True)) or kind != "web"
        port = free_port() if reads_port else int(layout.want("port"))
        path = str(layout.want("smoke_path") or "/")
        smoke = tailor(
            "smoke", tag, "--port", str(port), "--path", path, "--requests", "5",
            "--format", "json", cwd=root, env=env,
        )  # fmt: skip
    else:
        smoke = tailor("smoke", tag, "--kind", kind, "--format", "json", cwd=root, env=env)
    assert smoke.stdout, smoke.stderr
    answer = json.loads(smoke.stdout)
    assert answer["ok"], f"smoke failed: {answer['reason']}\n{answer['logs_tail']}"
    if kind == "cli" and layout.expect.get("cli_stdout"):
        logs = subprocess.run(
            ["/usr/bin/docker", "run", "--rm", "--network", "none", tag],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert str(layout.expect["cli_stdout"]) in logs.stdout + logs.stderr
    report(
        layout,
        {
            "sizes": {p: r["size_bytes"] for p, r in by_purpose.items()},
            "build_seconds": round(sum(r["build_seconds"] for r in results), 1),
            "check_seconds": round(sum(r["check_seconds"] for r in results), 1),
            "ci_seconds": ci_run["seconds"],
            "smoke": answer.get("statuses") or answer.get("exit_code"),
        },
    )
