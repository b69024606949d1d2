"""The parser boundary (hostile input) and the stage model (graph, reachability, purposes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.lint.engine import lint_text
from imagetailor.lint.model import build_model
from imagetailor.lint.parse import DockerfileSyntaxError, parse_text, read_dockerfile
from imagetailor.lint.shell import commands, installs, run_script
from tests.lint.corpus import CORPUS

PHP = CORPUS / "php-fpm-nginx" / "Dockerfile"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "file with no instructions"),
        ("# only a comment\n", 1, "file with no instructions"),
        ("FROM a:1\nRUN ok\n\nRUN <<EOF\nnever closed\n", 4, "unterminated heredoc"),
        ("FROM a:1\nFORM b:1\n", 2, "unknown instruction 'FORM'"),
        ("RUN true\nFROM a:1\n", 1, "RUN before the first FROM"),
        ("ARG X=1\nLABEL a=b\n", 2, "LABEL before the first FROM"),
        ("FROM a:1 AS\n", 1, "FROM takes an image"),
        ("FROM a:1\nCOPY onlyone\n", 2, "COPY needs a source and a destination"),
        ("FROM a:1\nENV\n", 2, "ENV needs at least one argument"),
        ("FROM a:1\nONBUILD FOO x\n", 2, "ONBUILD of unknown 'FOO'"),
        ("FROM a:1\nRUN a\x00b\n", 2, "NUL byte"),
        ("FROM a\nRUN <<EOF\nok\nEOF\nCOPY <<A <<B /x\na\nA\nb\n", 5, "unterminated heredoc"),
        ("# escape=`\n# escape=\\\nFROM a\n", 2, "only one escape parser directive"),
        ("FROM a\nRUN x\nRUN " + "x" * 70000 + "\n", 3, "max allowed size of 65535"),
        # The line of an unclosed heredoc is found without re-parsing prefixes.
        ("FROM a:1\nRUN <<EOF\n" + "echo x\n" * 9_000, 2, "unterminated heredoc"),
        # BuildKit's parser is quadratic in heredoc length: bound the input before it.
        ("FROM a:1\nRUN <<EOF\n" + "echo x\n" * 200_000, 10_001, "over 10000 lines"),
    ],
)
def test_bad_input_names_line_and_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(DockerfileSyntaxError) as caught:
        parse_text(text, "Dockerfile.bad")
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"Dockerfile.bad:{line}: cannot parse Dockerfile")


def test_binary_and_oversized_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "Dockerfile"
    binary.write_bytes(b"FROM a:1\nRUN \xff\xfe\n")
    with pytest.raises(DockerfileSyntaxError, match=r":2: cannot parse Dockerfile: not UTF-8"):
        read_dockerfile(binary)
    big = tmp_path / "Big"
    big.write_bytes(b"FROM a:1\n" + b"#" * (2 * 1024 * 1024))
    with pytest.raises(DockerfileSyntaxError, match="over the 1 MiB limit"):
        read_dockerfile(big)


def test_heredocs_and_mounts_parse() -> None:
    parsed = parse_text(
        "FROM a:1\n"
        "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok <<EOF\n"
        "set -e\ncd /x | tee y\nEOF\n"
    )
    run = parsed.instructions[1]
    assert (run.start_line, run.end_line) == (2, 5)
    assert run.flag_values("mount") == ["type=cache,target=/root/.cache", "type=secret,id=tok"]
    script = run_script(run)
    assert [c.words for c in commands(script)] == [("set", "-e"), ("cd", "/x"), ("tee", "y")]
    assert commands(script)[1].piped


def test_package_names_from_install_commands() -> None:
    script = (
        "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl=7.88.1-10 "
        "gcc-12 -o Dpkg::Options::=--force-confnew && apk add --no-cache --virtual .deps "
        "build-base && pip install -r req.txt 'uvicorn[standard]==0.30' && npm i -g @vue/cli@5 "
        "&& go install github.com/go-delve/delve/cmd/dlv@v1.22.1"
    )
    found = [(i.manager, i.package) for c in commands(script) for i in installs(c)]
    assert found == [
        ("apt", "curl"),
        ("apt", "gcc-12"),
        ("apk", "build-base"),
        ("pip", "uvicorn"),
        ("npm", "@vue/cli"),
        ("go", "dlv"),
    ]


def test_stage_graph_of_php_fpm_with_nginx() -> None:
    model = build_model(read_dockerfile(PHP), {"web": ("deploy", "cli")})
    vendor, runtime, web = model.stages
    assert [(s.index, s.name, s.base) for s in model.stages] == [
        (0, "vendor", "composer:2.7"),
        (1, "runtime", "php:8.3-fpm-bookworm"),
        (2, "web", "nginx:1.27-alpine"),
    ]
    assert (runtime.start_line, runtime.end_line) == (6, 16)
    assert [link.stage_index for link in web.links] == [runtime.index]
    assert model.reachable(web) == [vendor, runtime, web]  # built for web...
    assert model.inherited(web) == [web]  # ...but only web's own files ship in it
    assert {(t.name, t.purpose, t.purpose_source) for t in model.targets} == {
        ("vendor", None, "none"),
        ("runtime", "deploy", "name"),
        ("web", "deploy", "cli"),
    }


def test_from_chain_arg_defaults_and_mount_links() -> None:
    model = build_model(
        parse_text(
            "ARG BASE=debian:12.5\n"
            "FROM ${BASE} AS base\n"
            "FROM golang:1.22 AS tools\n"
            "FROM base AS app\n"
            "RUN --mount=type=bind,from=tools,source=/usr/local/go,target=/go true\n"
            "FROM app\n"
        )
    )
    base, tools, app, last = model.stages
    assert base.base == "debian:12.5"
    assert app.base_stage == base.index and last.base_stage == app.index
    assert model.inherited(last) == [last, app, base]
    assert model.reachable(last) == [base, tools, app, last]
    # No stage claims deploy, so the default build (the last stage) is judged as deploy.
    assert [(t.name, t.purpose) for t in model.targets if t.purpose] == [("3", "deploy")]


def test_build_stage_tools_are_fine_when_only_copied() -> None:
    build_stage = (
        "FROM debian:12.5 AS build\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev "
        "&& rm -rf /var/lib/apt/lists/*\n"
        "USER root\n"
        "RUN gcc -static -o /app /src/main.c\n"
    )
    copied = build_stage + (
        "FROM gcr.io/distroless/static-debian12:nonroot AS deploy\n"
        'COPY --from=build /app /app\nENTRYPOINT ["/app"]\n'
    )
    assert lint_text(copied) == []
    inherited = build_stage + 'FROM build AS deploy\nUSER 10001\nENTRYPOINT ["/app"]\n'
    findings = lint_text(inherited)
    # The install, and the FROM line that makes deploy inherit it (often the line to fix).
    assert [(f.line, f.rule) for f in findings] == [(2, "TL202"), (5, "TL202")]
    assert findings[1].message == (
        "target deploy (deploy) is built FROM build, so it ships the tools installed in build: "
        "start it from a runtime base and COPY --from the artefacts"
    )
    # The same stage as a dev target ships the compiler on purpose: nothing to say.
    as_dev = inherited.replace("AS deploy", "AS dev")
    assert [(f.line, f.rule) for f in lint_text(as_dev)] == []


def test_tool_categories_come_from_the_shared_catalogue_and_lint_extras() -> None:
    from imagetailor.lint.catalogue import lint_catalogue

    catalogue = lint_catalogue()
    assert catalogue.tool_category("strace", "apt") == "debugger"  # data/tools.toml packages
    assert catalogue.tool_category("debugpy", "pip") == "debugger"  # tools.toml python list
    assert catalogue.tool_category("Pytest_Cov", "pip") == "coverage"  # normalised like pip
    assert catalogue.tool_category("jest", "npm") == "test"
    assert catalogue.tool_category("libpq-dev", "apt") == "compiler"  # lint.toml extra
    assert catalogue.tool_category("libpq5", "apt") is None
    assert catalogue.tool_category("nginx", "apk") is None


def test_clustered_pipefail_and_manifest_globs_are_understood() -> None:
    text = (
        "FROM node:20.11-bookworm-slim AS deploy\n"
        'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\n'
        "WORKDIR /app\n"
        "COPY package*.json ./\n"
        "RUN npm ci --omit=dev\n"
        "COPY . .\n"
        "RUN npm run build | tee build.log\n"
        "USER node\n"
        'CMD ["node", "server.js"]\n'
    )
    assert lint_text(text, context_dir=None) == []
    unsafe = text.replace('"-eo", "pipefail", ', '"-e", ').replace(
        "COPY package*.json ./\nRUN npm ci --omit=dev\nCOPY . .\n", "COPY . .\nRUN npm ci\n"
    )
    assert [(f.line, f.rule) for f in lint_text(unsafe)] == [(4, "TL204"), (6, "TL111")]


def test_installing_the_app_after_its_dependencies_is_fine() -> None:
    deps = (
        "FROM python:3.12.3-slim-bookworm AS deps\n"
        "WORKDIR /app\n"
        "COPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
    )
    app = (
        "FROM deps AS deploy\nCOPY . .\nRUN pip install --no-cache-dir --no-deps .\n"
        'USER 1\nCMD ["app"]\n'
    )
    assert lint_text(deps + app) == []
    # Without the deps stage underneath, `pip install .` after COPY . . installs everything.
    alone = deps + app.replace("FROM deps", "FROM python:3.12.3-slim-bookworm")
    # ... and copies to a relative destination with no WORKDIR in that stage (DL3045).
    assert [(f.line, f.rule) for f in lint_text(alone)] == [(6, "TL133"), (6, "TL204")]


def test_messages_name_the_unnamed_default_build() -> None:
    (finding,) = lint_text('FROM debian:12.5\nCMD ["true"]\n')
    assert finding.rule == "TL114"
    assert finding.message.startswith("the default build (unnamed stage 0) (deploy) sets no USER")


def test_thousands_of_chained_stages_lint_in_linear_time() -> None:
    """A hostile file: 4,500 stages, each FROM the one before, each with a pipe. Before the
    stage model computed purposes once, this took minutes (cubic in the stages)."""
    import time

    text = "FROM debian:12.5 AS base\n" + "".join(
        f"FROM {'base' if i == 0 else f'step{i}'} AS step{i + 1}\nRUN a | b\n" for i in range(4500)
    )
    start = time.perf_counter()
    findings = lint_text(text)
    elapsed = time.perf_counter() - start
    rules = {rule: sum(1 for f in findings if f.rule == rule) for rule in {"TL111", "TL209"}}
    assert rules == {"TL111": 4500, "TL209": 4500}  # step1..step4500 say nothing
    assert len(findings) == 9001  # and the last stage, presumed deploy, sets no USER (TL114)
    assert elapsed < 30, f"{elapsed:.1f}s"
