"""`tailor lint` end to end: exit codes, formats, pragmas, configuration, thresholds."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from imagetailor.cli.main import main
from imagetailor.lint.rules import LINT_RULES
from tests.lint.corpus import CORPUS, cases

KITCHEN_SINK = CORPUS / "kitchen-sink-ubuntu" / "Dockerfile"
CLEAN = CORPUS / "clean-go" / "Dockerfile"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(directory: Path, text: str, ignore: bool = True) -> Path:
    dockerfile = directory / "Dockerfile"
    dockerfile.write_text(text)
    if ignore:
        (directory / ".dockerignore").write_text(".git\n")
    return dockerfile


def test_clean_file_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(CLEAN))
    assert (code, out) == (0, "")
    assert "0 finding(s)" in err


def test_findings_exit_one_and_show_the_offending_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(KITCHEN_SINK))
    assert code == 1
    assert f"{KITCHEN_SINK}:1 TL101 warning: base image 'ubuntu:latest'" in out
    assert "     1 | FROM ubuntu:latest" in out
    assert "    11 | RUN curl -fsSL https://example.com/install-agent.sh | bash" in out


def test_default_path_is_dockerfile_in_cwd(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, 'FROM alpine:3.20\nUSER 10001\nCMD ["true"]\n')
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "--format", "json")[:2] == (0, "[]\n")
    (tmp_path / "Dockerfile").unlink()
    code, _, err = run(capsys)
    assert code == 2 and "Dockerfile: no such Dockerfile" in err


def test_json_is_the_documented_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", str(KITCHEN_SINK))
    findings = json.loads(out)
    expected = next(c for c in cases() if c.name == "kitchen-sink-ubuntu").expected
    assert code == 1
    assert sorted((f["line"], f["rule"]) for f in findings) == expected
    for finding in findings:
        assert finding["file"] == str(KITCHEN_SINK)
        assert finding["severity"] in {"error", "warning", "info", "style"}
        assert isinstance(finding["message"], str) and finding["message"]
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["TL202"]["target"] == "0"  # the unnamed last stage, presumed deploy


def test_sarif_is_valid_2_1_0(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "sarif", str(KITCHEN_SINK), str(CLEAN))
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert len(results) == 17
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == str(KITCHEN_SINK)
        assert isinstance(location["region"]["startLine"], int)
    assert {r["id"] for r in rules} == {r["ruleId"] for r in results}
    # The writer `tailor check` uses: one driver, fix in the help, hadolint codes as properties.
    assert run_["tool"]["driver"]["name"] == "imagetailor"
    by_id = {r["id"]: r for r in rules}
    assert by_id["TL101"]["properties"]["hadolint"] == ["DL3006", "DL3007"]
    assert "**Fix:**" in by_id["TL101"]["help"]["markdown"]
    first = next(r for r in results if r["ruleId"] == "TL101")
    assert first["properties"]["hadolint"] == "DL3007" and ". Fix: " in first["message"]["text"]


def test_junit_has_a_case_per_rule_as_tailor_check_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "--format", "junit", str(KITCHEN_SINK), str(CLEAN))
    root = ElementTree.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    sink, clean = suites[str(KITCHEN_SINK)], suites[str(CLEAN)]
    default_on = sum(1 for rule in LINT_RULES.values() if rule.enabled)
    assert len(sink.findall("testcase")) == default_on == len(clean.findall("testcase"))
    cases = sink.iter("testcase")
    failing = [c.get("name", "").split()[0] for c in cases if c.find("failure") is not None]
    findings = json.loads(run(capsys, "--format", "json", str(KITCHEN_SINK))[1])
    assert failing == sorted({f["rule"] for f in findings})
    assert int(sink.get("failures", "-1")) == len(failing) and not clean.findall(".//failure")
    # a rule with several findings: one <failure> holding each finding's line
    tl101 = next(c for c in sink.iter("testcase") if c.get("name", "").startswith("TL101 "))
    assert tl101.find("failure").text.startswith(f"{KITCHEN_SINK}:1 TL101 warning: ")


def test_unparseable_file_exits_two_naming_the_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dockerfile = write(tmp_path, "FROM debian:12\nRUN true\nRUN <<EOF\napt-get update\n")
    code, out, err = run(capsys, str(dockerfile))
    assert (code, out) == (2, "")
    assert err.strip() == (
        f"tailor: error: {dockerfile}:3: cannot parse Dockerfile: unterminated heredoc"
    )


def test_unknown_instruction_exits_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    dockerfile = write(tmp_path, "FROM debian:12\n\nFORM debian:12\n")
    code, _, err = run(capsys, str(dockerfile))
    assert code == 2 and f"{dockerfile}:3: cannot parse Dockerfile: unknown instruction" in err


PRAGMA_FILE = """\
# tailor:global-ignore=TL206
FROM debian:12.5
# tailor:ignore=TL110
RUN cd /tmp && true
# hadolint ignore=DL3003
RUN cd /srv && true
RUN cd /opt && true
USER 10001
CMD ["true"]
"""


def test_pragmas_silence_one_instruction_or_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dockerfile = write(tmp_path, PRAGMA_FILE + "COPY . /app\n", ignore=False)
    code, out, _ = run(capsys, "--format", "json", str(dockerfile))
    assert [(f["line"], f["rule"]) for f in json.loads(out)] == [(7, "TL110")]
    assert code == 1


def test_unknown_codes_in_pragmas_are_ignored_with_one_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """ShellCheck codes, hadolint rules we lack and typos are common in real pragmas: the file
    is still linted, the known codes still work, and one warning names the rest."""
    dockerfile = write(
        tmp_path,
        "# hadolint global ignore=SC2086,DL3999\n"
        "FROM debian:12.5\n"
        "# tailor:ignore=TL999\n"
        "USER 1\n"
        "# hadolint ignore=SC1091,DL3003 # cd is fine here\n"
        "RUN cd /tmp && true\n"
        "RUN cd /srv && true\n"
        'CMD ["a"]\n',
    )
    code, out, err = run(capsys, "--format", "json", str(dockerfile))
    assert [(f["line"], f["rule"]) for f in json.loads(out)] == [(7, "TL110")]
    assert code == 1
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert warnings == [
        f"tailor: warning: {dockerfile}: pragmas name rules tailor does not check, ignored: "
        "DL3999, SC1091, SC2086, TL999"
    ]


def test_trailing_comment_after_a_pragma_is_honoured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dockerfile = write(
        tmp_path,
        "FROM debian:12.5 AS deploy\n# hadolint ignore=DL3002 # the init needs root\nUSER root\n"
        'CMD ["a"]\n',
    )
    code, out, err = run(capsys, "--format", "json", str(dockerfile))
    assert (json.loads(out), code) == ([], 0)
    assert "warning" not in err


def test_unknown_rule_in_configuration_is_still_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "tailor.toml"
    config.write_text('[lint]\nignore = ["TL999"]\n')
    code, _, err = run(capsys, "--config", str(config), str(CLEAN))
    assert code == 2 and "unknown rule 'TL999'" in err


def test_config_rerates_ignores_and_assigns_targets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        "FROM debian:12.5 AS web\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        'CMD ["curl", "--version"]\n',
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "--format", "json")
    assert {(f["rule"], f["severity"]) for f in json.loads(out)} == {
        ("TL102", "info"),
        ("TL114", "warning"),  # the last stage, presumed deploy
        ("TL202", "warning"),  # curl in that deploy image
    }
    (tmp_path / "tailor.toml").write_text(
        '[lint]\nignore = ["DL3015"]\n[lint.severity]\nTL114 = "style"\n'
        '[lint.targets]\nweb = "dev"\n'
    )
    code, out, _ = run(capsys, "--format", "json")
    # dev images may run as root and carry curl; TL102 is ignored through its hadolint id.
    assert json.loads(out) == [] and code == 0
    (tmp_path / "tailor.toml").write_text('[lint.severity]\nTL114 = "style"\n')
    code, out, _ = run(capsys, "--format", "json", "--threshold", "warning")
    assert {(f["rule"], f["severity"]) for f in json.loads(out)} >= {("TL114", "style")}
    assert code == 1  # TL202 is still a warning
    code, _, _ = run(capsys, "--threshold", "warning", "--target", "web=ci")
    assert code == 0  # as ci: only TL102 (info) and nothing at warning or above


def test_threshold_levels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Only a style finding (TL209: a stage name that says nothing).
    dockerfile = write(
        tmp_path,
        "FROM debian:12.5 AS stage1\nRUN true\n"
        "FROM gcr.io/distroless/static-debian12:nonroot AS deploy\n"
        'COPY --from=stage1 /etc/hostname /x\nCMD ["/x"]\n',
    )
    assert run(capsys, str(dockerfile))[0] == 0  # default threshold info: style never fails
    assert run(capsys, "--threshold", "style", str(dockerfile))[0] == 1
    assert run(capsys, "--threshold", "none", str(KITCHEN_SINK))[0] == 0
    assert run(capsys, "--threshold", "error", str(KITCHEN_SINK))[0] == 1
    assert run(capsys, "--threshold", "fatal", str(KITCHEN_SINK))[0] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "web"], "expected NAME=PURPOSE"),
        (["--target", "web=prod"], "unknown purpose 'prod'"),
        (["--config", "missing.toml"], "no such configuration file"),
    ],
)
def test_usage_errors_exit_two(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args, str(CLEAN))
    assert code == 2 and message in err


def test_bad_toml_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "tailor.toml"
    config.write_text("[lint\nignore = 1\n")
    code, _, err = run(capsys, "--config", str(config), str(CLEAN))
    assert code == 2 and "not valid TOML" in err


def test_rules_lists_lint_rules_with_hadolint_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--scope", "dockerfile", "--format", "json"]) == 0
    rules = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {f"TL1{n:02d}" for n in range(1, 38)} | {f"TL2{n:02d}" for n in range(1, 10)} == set(
        rules
    )
    assert "DL3006" in rules["TL101"]["explanation"]
    assert "DL3008" in rules["TL116"]["explanation"]
    assert "Off by default" in rules["TL116"]["explanation"]
    assert all(r["fix"] and r["scope"] == "dockerfile" for r in rules.values())


def test_stdin_is_linted_without_guessing_a_context(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    text = b'FROM debian:12.5\nCOPY . /app\nRUN cd /app\nUSER 1\nCMD ["/app/run"]\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    code, out, _ = run(capsys, "--format", "json", "-")
    # TL206 needs the context directory; stdin has none, so it is not guessed.
    assert [(f["file"], f["line"], f["rule"]) for f in json.loads(out)] == [("-", 3, "TL110")]
    assert code == 1


def test_endless_input_is_refused_not_read(capsys: pytest.CaptureFixture[str]) -> None:
    # A device is refused before it is read: only regular files (or stdin, "-") are Dockerfiles.
    code, _, err = run(capsys, "/dev/zero")
    assert code == 2 and "/dev/zero is a character device, not a regular file" in err


def test_project_purposes_from_the_spec_extend_builtin_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dockerfile = write(
        tmp_path,
        'FROM debian:12.5 AS staging\nCMD ["true"]\n'
        'FROM debian:12.5 AS web\nCMD ["true"]\n'
        'FROM debian:12.5 AS tools\nUSER 1\nCMD ["true"]\n',
    )
    config = tmp_path / "tailor.toml"
    config.write_text(
        '[app]\nname = "demo"\n'
        '[purposes.staging]\nextends = "deploy"\n'
        '[purposes.preview]\nextends = "staging"\n'
        '[purposes.ci]\ntools = ["pytest"]\n'
    )
    code, out, _ = run(
        capsys,
        "--config",
        str(config),
        "--target",
        "web=preview",
        "--format",
        "json",
        str(dockerfile),
    )
    # staging (by its purpose's name) and web (preview -> staging -> deploy) run as root.
    assert [(f["line"], f["rule"], f["target"]) for f in json.loads(out)] == [
        (1, "TL114", "staging"),
        (3, "TL114", "web"),
    ]
    config.write_text('[purposes.loop]\nextends = "loop"\n')
    code, _, err = run(capsys, "--config", str(config), str(dockerfile))
    assert code == 2 and "purposes.loop does not extend one of deploy" in err


def test_context_option_and_what_would_leak(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / ".env").write_text("API_TOKEN=x\n")
    (tmp_path / "src").mkdir()
    dockerfile = tmp_path / "docker" / "Dockerfile"
    dockerfile.write_text('FROM debian:12.5\nCOPY . /app\nUSER 1\nCMD ["/app/run"]\n')
    (tmp_path / "docker" / ".dockerignore").write_text(".git\n")  # beside the file, not context
    assert run(capsys, "--format", "json", str(dockerfile))[:2] == (0, "[]\n")
    code, out, _ = run(capsys, "--format", "json", "--context", str(tmp_path), str(dockerfile))
    (finding,) = json.loads(out)
    assert (code, finding["line"], finding["rule"]) == (1, 2, "TL206")
    assert finding["message"].endswith("no .dockerignore: .env, .git would be copied")
    (tmp_path / "Dockerfile.dockerignore").write_text(".git\n")  # named after the Dockerfile
    assert run(capsys, "--context", str(tmp_path), str(dockerfile))[0] == 0


def test_fuzzer_findings_are_one_line_errors_or_clean(capsys: pytest.CaptureFixture[str]) -> None:
    # A bare CMD names no executable (an IndexError in TL-purpose rules before); the wrapper
    # of BuildKit's parser cut a multi-byte character after HEALTHCHECK (UnicodeDecodeError).
    from imagetailor.lint.engine import lint_bytes
    from imagetailor.lint.parse import DockerfileSyntaxError

    lint_bytes(b"FROM debian:12 AS deploy\nCMD", "Dockerfile", None, {"deploy": "deploy"})
    with pytest.raises(DockerfileSyntaxError, match="BuildKit's parser failed on this text"):
        lint_bytes("FROM debian:12\nHEALTHCHECK \u0800".encode(), "Dockerfile")
