"""One test per rule mapped from hadolint (TL115-TL130): the exact lines on small inputs, and the
hadolint code each finding names (what pragmas and the parity test go by)."""

from __future__ import annotations

from imagetailor.lint.config import LintConfig
from imagetailor.lint.engine import lint_text

TAIL = 'USER 10001\nCMD ["/app"]\n'


def found(body: str, rule: str, enable: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    text = "FROM debian:12.5\n" + body + TAIL
    return [
        (f.line, f.hadolint or "")
        for f in lint_text(text, config=LintConfig(enable=enable))
        if f.rule == rule
    ]


def test_tl115_language_packages_need_a_version() -> None:
    body = (
        "RUN pip install flask && pip install 'gunicorn==22.0.0' ./wheels/x.whl\n"
        "RUN pip install -r requirements.txt uvicorn && pip install -c c.txt starlette\n"
        "RUN npm install -g typescript && npm ci && npm install ./local\n"
        "RUN npm install -g @scope/tool@1.2.3 && gem install rails -v 7.1.3 && gem install x:1\n"
        "RUN gem install rake\n"
    )
    assert found(body, "TL115") == [(2, "DL3013"), (4, "DL3016"), (6, "DL3028")]


def test_tl116_distribution_pins_are_off_unless_enabled() -> None:
    body = (
        "RUN apt-get install -y --no-install-recommends curl wget=1.21 ./x.deb\n"
        "RUN apk add --no-cache bash=5.2.21-r0 git\n"
        "RUN yum install -y httpd-2.4.57 && yum clean all\n"
    )
    assert found(body, "TL116") == []
    assert found(body, "TL116", frozenset({"DL3008"})) == [(2, "DL3008"), (3, "DL3018")]


def test_tl117_installs_that_wait_for_an_answer() -> None:
    body = (
        "RUN apt-get install --no-install-recommends a && apt-get -qq install b\n"
        "RUN apt-get -qy install c && apt-get install -q -q d && apt-get install --yes e\n"
        "RUN yum install f && yum clean all\n"
        "RUN dnf install -y g && dnf clean all && zypper install h && zypper clean\n"
    )
    assert found(body, "TL117") == [(2, "DL3014"), (4, "DL3030"), (5, "DL3034")]


def test_tl118_rpm_caches_are_cleaned_in_the_same_run() -> None:
    body = (
        "RUN yum install -y a && yum clean all\n"
        "RUN dnf install -y b\n"
        "RUN --mount=type=cache,target=/var/cache/dnf dnf install -y c\n"
        "RUN zypper -n install d && rm -rf /var/cache/zypp/*\n"
        "RUN microdnf install -y e\n"
    )
    assert found(body, "TL118") == [(3, "DL3040"), (6, "DL3040")]


def test_tl119_pip_cache() -> None:
    body = (
        "RUN pip install --no-cache-dir flask==3.0.3\n"
        "RUN python3 -m pip install flask==3.0.3\n"
        "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3\n"
        "ENV PIP_NO_CACHE_DIR=1\n"
        "RUN pip install flask==3.0.3\n"
    )
    assert found(body, "TL119") == [(3, "DL3042")]


def test_tl120_apt_is_for_people() -> None:
    assert found("RUN apt install -y jq && apt-get clean\n", "TL120") == [(2, "DL3027")]


def test_tl121_consecutive_single_command_runs_in_shipped_stages() -> None:
    body = (
        "RUN echo one\n"
        "RUN echo two\n"
        "# a comment does not separate them\n"
        "RUN echo three\n"
        "ENV X=1\n"
        "RUN echo four\n"
        "RUN echo five && echo six\n"
        "RUN echo seven\n"
        "RUN --mount=type=cache,target=/c echo eight\n"
    )
    assert found(body, "TL121") == [(3, "DL3059"), (5, "DL3059")]
    # The same RUNs in a stage only copied from never ship: not flagged.
    build = "FROM debian:12.5 AS build\nRUN echo a\nRUN echo b\n"
    deploy = "FROM scratch AS deploy\nCOPY --from=build /etc/hostname /x\n" + TAIL
    assert [f for f in lint_text(build + deploy) if f.rule == "TL121"] == []


def test_tl122_sudo() -> None:
    body = "RUN sudo -u app ls\nRUN apt-get -y install --no-install-recommends x; sudo true\n"
    assert found(body, "TL122") == [(2, "DL3004"), (3, "DL3004")]


def test_tl123_and_tl124_copy_from() -> None:
    text = (
        "FROM debian:12.5 AS build\n"
        "FROM debian:12.5 AS deploy\n"
        "COPY --from=build /a /a\n"
        "COPY --from=buidl /b /b\n"
        "COPY --from=nginx:1.27.0 /c /c\n"
        "COPY --from=0 /d /d\n"
        "COPY --from=2 /e /e\n"
        "COPY --from=deploy /f /f\n" + TAIL
    )
    findings = lint_text(text)
    assert [(f.line, f.hadolint) for f in findings if f.rule == "TL123"] == [
        (4, "DL3022"),
        (7, "DL3022"),
    ]
    assert [(f.line, f.hadolint) for f in findings if f.rule == "TL124"] == [(8, "DL3023")]


def test_tl125_stage_names_are_unique() -> None:
    text = "FROM debian:12.5 AS build\nFROM debian:12.5 AS Build\nFROM scratch AS deploy\n" + TAIL
    assert [(f.line, f.hadolint) for f in lint_text(text) if f.rule == "TL125"] == [(2, "DL3024")]


def test_tl126_maintainer() -> None:
    assert found("MAINTAINER someone\n", "TL126") == [(2, "DL4000")]


def test_tl127_ln_over_bin_sh() -> None:
    body = "RUN ln -sf /bin/bash /bin/sh\nRUN ln -s /bin/bash /usr/local/bin/sh && true\n"
    assert found(body, "TL127") == [(2, "DL4005")]


def test_tl128_useradd_high_uid() -> None:
    body = (
        "RUN useradd -u 99999 a && useradd -l -u 123456 b && useradd --no-log-init -u 123456 c\n"
        "RUN useradd -ou 123456 d\n"
        "RUN useradd --uid 1234567 e\n"
    )
    # --uid is flagged too: hadolint reads only -u (see docs/lint-rules.md).
    assert found(body, "TL128") == [(3, "DL3046"), (4, "DL3046")]


def test_tl129_wget_and_curl_per_stage() -> None:
    body = "RUN wget -q a\nRUN curl -fsS b\nRUN wget -q c\n"
    assert found(body, "TL129") == [(3, "DL4001"), (4, "DL4001")]
    two_stages = "FROM debian:12.5 AS a\nRUN wget -q x\nFROM debian:12.5\nRUN curl -fsS y\n" + TAIL
    assert [f for f in lint_text(two_stages) if f.rule == "TL129"] == []


def test_tl130_wget_progress() -> None:
    body = "RUN wget a\nRUN wget -qO- b | true\nRUN wget -nv c\nRUN wget --progress=dot:giga d\n"
    assert found(body, "TL130") == [(2, "DL3047")]


def test_tl131_from_platform_unless_a_build_argument() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.22.5 AS build\n"
        "FROM --platform=linux/arm64 debian:12.5\n" + TAIL
    )
    assert [(f.line, f.hadolint) for f in lint_text(text) if f.rule == "TL131"] == [(2, "DL3029")]


def test_tl132_several_sources_need_a_directory() -> None:
    body = "COPY a b /dst\nCOPY a b /dst/\nCOPY a /dst\n"
    assert found(body, "TL132") == [(2, "DL3021")]


def test_tl133_relative_destination_needs_a_workdir_here_or_inherited() -> None:
    body = "COPY a rel/\nCOPY b /abs/\nWORKDIR /srv\nCOPY c rel/\n"
    assert found(body, "TL133") == [(2, "DL3045")]
    inherited = "FROM debian:12.5 AS base\nWORKDIR /app\nFROM base\nCOPY . .\n" + TAIL
    assert [f for f in lint_text(inherited) if f.rule == "TL133"] == []


def test_tl134_ports() -> None:
    body = "EXPOSE 80 0 8000-8010 ${PORT}\nEXPOSE 65536/udp\n"
    assert found(body, "TL134") == [(3, "DL3011")]


def test_tl135_one_healthcheck() -> None:
    body = 'HEALTHCHECK CMD ["a"]\nHEALTHCHECK NONE\n'
    assert found(body, "TL135") == [(3, "DL3012")]


def test_tl136_env_self_reference() -> None:
    body = "ENV A=1 B=${A}/x\nENV C=1\nENV D=$C E=$F\n"
    assert found(body, "TL136") == [(2, "DL3044")]


def test_tl137_pointless_commands() -> None:
    body = "RUN service nginx start\nRUN echo top\nRUN kill -0 1 || true\n"
    assert found(body, "TL137") == [(2, "DL3001"), (4, "DL3001")]


def test_ignoring_a_hadolint_code_silences_that_code_only() -> None:
    body = "RUN apt-get install -y --no-install-recommends curl && apk add --no-cache git\n"
    on = frozenset({"TL116"})
    text = "FROM debian:12.5\n" + body + TAIL
    config = LintConfig(enable=on, ignore=frozenset({"DL3008"}))
    assert [(f.line, f.hadolint) for f in lint_text(text, config=config) if f.rule == "TL116"] == [
        (2, "DL3018")
    ]
    pragma = "FROM debian:12.5\n# hadolint ignore=DL3018\n" + body + TAIL
    assert [
        (f.line, f.hadolint)
        for f in lint_text(pragma, config=LintConfig(enable=on))
        if f.rule == "TL116"
    ] == [(3, "DL3008")]
