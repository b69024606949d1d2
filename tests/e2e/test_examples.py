"""End to end, for each example: tailor init --yes, generate, build all four purposes with the
real engine on the offline stand-in bases, and prove each image:

- fits its own purpose (tailor build's in-process check);
- deploy answers `tailor smoke` on a loopback port;
- ci runs the example's own test suite inside and exits 0 (with no network);
- dev judged as deploy fails with the expected rules (negative control);
- after touching one source file, a rebuild re-runs no dependency step (read from BuildKit's
  plain progress output), while it does re-run the build.

Each example is built once per session (module fixture); the examples spread over xdist workers.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from imagetailor.pipeline import build_purposes
from imagetailor.project.model import load_project

pytestmark = [pytest.mark.e2e, pytest.mark.engine]

ROOT = Path(__file__).resolve().parents[2]
DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
PURPOSES = ("deploy", "ci", "local", "dev")
# Stages whose steps install dependencies or tools: none may re-run after a source change.
DEPENDENCY_STAGES = {"deps", "deps-prod", "fe", "local-tools"}
# What each dev image has that deploy forbids: a shell (TP101), a package manager (TP102), a
# debugger (TP104: gdb, debugpy), root (TP201); Go's toolchain is a compiler (TP103).
DEV_AS_DEPLOY_RULES = {
    "go-app": {"TP101", "TP102", "TP103", "TP104", "TP201"},
    "python-app": {"TP101", "TP102", "TP104", "TP201"},
    "node-app": {"TP101", "TP102", "TP104", "TP201"},
    "rust-app": {"TP101", "TP102", "TP103", "TP104", "TP201"},
    "php-app": {"TP101", "TP102", "TP104", "TP201"},
    "ruby-app": {"TP101", "TP102", "TP103", "TP104", "TP201"},
    # The JDK: javac is a compiler (TP103), jdb a debugger (TP104).
    "java-app": {"TP101", "TP102", "TP103", "TP104", "TP201"},
}
TOUCHED = {
    "go-app": "server.go",
    "python-app": "python_app/app.py",
    "node-app": "src/app.js",
    "rust-app": "src/lib.rs",
    "php-app": "src/App.php",
    "ruby-app": "lib/greeter.rb",
    "java-app": "src/main/java/dev/imagetailor/example/Greeting.java",
}
COMMENT = {
    "go-app": "// touched {}\n",
    "python-app": "# touched {}\n",
    "node-app": "// touched {}\n",
    "rust-app": "// touched {}\n",
    "php-app": "// touched {}\n",
    "ruby-app": "# touched {}\n",
    "java-app": "// touched {}\n",
}


def tailor(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imagetailor.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3000,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_map(engine: str) -> Path:
    result = subprocess.run(
        [str(ROOT / "scripts" / "offline-bases")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_file(), f"offline-bases printed {path}, which is not a file"
    return path


@dataclass
class Built:
    name: str
    root: Path
    env: dict[str, str]
    results: list[dict[str, object]]

    def tag(self, purpose: str) -> str:
        for result in self.results:
            if result["purpose"] == purpose:
                return str(result["tag"])
        raise AssertionError(f"{purpose} was not built")


# Examples whose expect file says verified = false are generated only: tests/make proves their
# Dockerfile (golden, tailor lint, hadolint); nothing here can build them.
GENERATED_ONLY = {
    "dotnet-app": "generated only (verified = false): no .NET SDK or NuGet can be reached here",
}
EXAMPLES = [
    *["go-app", "python-app", "node-app", "rust-app", "php-app", "ruby-app", "java-app"],
    *(pytest.param(n, marks=pytest.mark.skip(reason=why)) for n, why in GENERATED_ONLY.items()),
]


@pytest.fixture(scope="module", params=EXAMPLES)
def built(
    request: pytest.FixtureRequest, base_map: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Built]:
    name = str(request.param)
    root = tmp_path_factory.mktemp("e2e") / name
    shutil.copytree(
        ROOT / "examples" / name,
        root,
        ignore=shutil.ignore_patterns("node_modules", "__pycache__", ".pytest_cache"),
    )
    env = {**os.environ, "TAILOR_BASE_MAP": str(base_map)}
    for step in (["init", "--yes"], ["generate"]):
        done = tailor(*step, cwd=root, env=env)
        assert done.returncode == 0, f"tailor {step[0]}: {done.stderr}"
    done = tailor("build", "--format", "json", cwd=root, env=env)
    assert done.returncode in (0, 1), f"tailor build failed: {done.stderr[-3000:]}"
    results = json.loads(done.stdout)
    assert [r["purpose"] for r in results] == list(PURPOSES)
    yield Built(name, root, env, results)


@pytest.mark.parametrize("purpose", PURPOSES)
def test_image_fits_its_purpose(built: Built, purpose: str) -> None:
    result = next(r for r in built.results if r["purpose"] == purpose)
    expected_tag = {"deploy": ""}.get(purpose, f"-{purpose}")
    assert str(result["tag"]).endswith(expected_tag)
    assert int(str(result["size_bytes"])) > 0 and int(str(result["layers"])) > 0
    if result["fit"] is not True:
        # The findings themselves, not only their ids: a TP602 (a file local has that deploy
        # lacks) was seen once on java-app and never reproduced; its evidence says which file.
        again = ["check", str(result["tag"]), "--purpose", purpose]
        if purpose == "local":
            again += ["--compare", built.tag("deploy")]
        why = tailor(*again, cwd=built.root, env=built.env)
        pytest.fail(f"{result['tag']} not fit: {result['failed_rules']}\n{why.stdout[-4000:]}")


def test_deploy_passes_smoke(built: Built) -> None:
    port = free_port()
    done = tailor(
        "smoke",
        built.tag("deploy"),
        "--port",
        str(port),
        "--env",
        "GREETING=hello from e2e",
        "--requests",
        "10",
        "--format",
        "json",
        cwd=built.root,
        env=built.env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    assert report["statuses"] == {"200": 10}
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"]
    # The container is gone afterwards.
    leftover = subprocess.run(
        [DOCKER, "ps", "-a", "--filter", f"ancestor={built.tag('deploy')}", "--format", "{{.ID}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert leftover.stdout.strip() == ""


def test_smoke_fails_and_cleans_up_when_the_container_exits(built: Built) -> None:
    """Negative control: the ci image runs the tests and exits; smoke must say so, exit 1 and
    leave no container behind."""
    done = tailor(
        "smoke",
        built.tag("ci"),
        "--port",
        str(free_port()),
        "--timeout",
        "300",
        "--format",
        "json",
        cwd=built.root,
        env=built.env,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["reason"] == "the container exited before it answered"
    leftover = subprocess.run(
        [DOCKER, "ps", "-a", "--filter", f"ancestor={built.tag('ci')}", "--format", "{{.ID}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert leftover.stdout.strip() == ""


def test_ci_image_runs_the_example_tests(built: Built) -> None:
    done = subprocess.run(
        [DOCKER, "run", "--rm", "--network", "none", built.tag("ci")],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    output = done.stdout + done.stderr
    marker = {
        "go-app": "ok",
        "python-app": "passed",
        "node-app": "# pass",
        "rust-app": "test result: ok. 1 passed",
        "php-app": "# all passed",
        "ruby-app": "4 runs, 5 assertions, 0 failures",
        "java-app": "Tests run: 2, Failures: 0, Errors: 0, Skipped: 0",
    }[built.name]
    assert marker in output


def test_dev_image_judged_as_deploy_fails_with_expected_rules(built: Built) -> None:
    done = tailor(
        "check",
        f"docker-daemon:{built.tag('dev')}",
        "--purpose",
        "deploy",
        "--format",
        "json",
        cwd=built.root,
        env=built.env,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["fit"] is False
    errors = {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    expected = DEV_AS_DEPLOY_RULES[built.name]
    assert errors >= expected, f"missing {expected - errors}"


def test_lint_has_no_error_findings(built: Built) -> None:
    done = tailor(
        "lint",
        "Dockerfile",
        "--threshold",
        "error",
        "--format",
        "json",
        cwd=built.root,
        env=built.env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_rebuild_after_source_change_reruns_no_dependency_step(built: Built) -> None:
    previous = os.environ.get("TAILOR_BASE_MAP")
    os.environ["TAILOR_BASE_MAP"] = built.env["TAILOR_BASE_MAP"]
    try:
        spec, bases = load_project(built.root)
        # A warm build right before the change, so the comparison is with the current bases.
        build_purposes(built.root, spec, bases, list(PURPOSES), check=False)
        source = built.root / TOUCHED[built.name]
        # A token never built before: the same edit in an earlier run would be a cache hit.
        token = uuid.uuid4().hex
        source.write_text(source.read_text() + COMMENT[built.name].format(token))
        rebuilt = build_purposes(built.root, spec, bases, list(PURPOSES), check=False)
    finally:
        if previous is None:
            os.environ.pop("TAILOR_BASE_MAP", None)
        else:
            os.environ["TAILOR_BASE_MAP"] = previous
    dependency_steps = [
        step for r in rebuilt for step in r.build.steps if step.stage in DEPENDENCY_STAGES
    ]
    runs = [s for s in dependency_steps if s.instruction and s.instruction.startswith("RUN")]
    assert runs, "no dependency RUN step in the build log: the proof would be empty"
    rerun = [s.name for s in dependency_steps if s.executed]
    assert rerun == [], f"dependency steps re-ran: {rerun}"
    assert all(s.cached for s in runs)
    # The change was seen: the source copy and what follows ran again.
    executed = [s.name for r in rebuilt for s in r.build.executed_steps()]
    assert any(name.endswith("COPY . .") for name in executed), executed


def test_extended_purpose_builds_and_is_judged_as_its_base(built: Built) -> None:
    """A purpose of the project's own ([purposes.NAME] extends = "local") gets its own stage,
    tag and check: here local plus jq, judged by local's policy."""
    spec_path = built.root / "tailor.toml"
    spec_path.write_text(
        spec_path.read_text() + '\n[purposes.debug]\nextends = "local"\ntools = ["jq"]\n'
    )
    assert tailor("generate", cwd=built.root, env=built.env).returncode == 0
    done = tailor("build", "debug", "--format", "json", cwd=built.root, env=built.env)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    (result,) = json.loads(done.stdout)
    assert result["purpose"] == "debug"
    assert str(result["tag"]).endswith("-debug")
    assert result["fit"] is True
    ran = subprocess.run(
        [
            DOCKER,
            "run",
            "--rm",
            "--network",
            "none",
            "--entrypoint",
            "jq",
            result["tag"],
            "-n",
            "1+1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.stdout.strip() == "2", ran.stderr
