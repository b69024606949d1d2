"""`tailor check` through the real CLI entry point, on saved analyses (--analysis)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from imagetailor.cli.main import main
from tests.policy.builders import clean_analysis, hit

BUSYBOX_TOOLS = [
    hit("sh", "shell", "/bin/sh", 0, evidence="busybox-applet"),
    hit("wget", "network", "/bin/wget", 0, evidence="busybox-applet"),
]


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "analysis.json"
    analysis = clean_analysis(tool_hits=BUSYBOX_TOOLS, config={"user": "root"})
    path.write_text(analysis.model_dump_json())
    return path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_deploy_not_fit_exit_1_with_json_findings(capsys, saved):
    code, out, err = run(capsys, "check", "--analysis", str(saved), "--purpose", "deploy",
                         "--format", "json")  # fmt: skip
    assert code == 1 and err == ""
    data = json.loads(out)
    assert data["fit"] is False and data["purpose"] == "deploy"
    # busybox's sh and wget links: one busybox finding (TP101), not one per link.
    assert [(f["rule"], f["path"], f["layer"]) for f in data["findings"]] == [
        ("TP101", "/bin/sh", 0),
        ("TP201", None, None),
    ]


def test_local_and_ci_purposes(capsys, saved):
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "local", "--format", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["TP201"]
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "ci")
    assert code == 0
    assert out.strip().endswith("fails on error and above") and "fit for ci" in out


def test_require_flag_and_config_file(capsys, saved, tmp_path):
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "ci", "--require",
                       "pytest", "--require", "sh", "--format", "json")  # fmt: skip
    assert code == 1
    assert [f["message"] for f in json.loads(out)["findings"]] == [
        "required tool pytest was not found in the image"
    ]
    config = tmp_path / "tailor.toml"
    config.write_text(
        '[policy.deploy]\nallow = ["shell", "wget"]\nallow_root = true\n'
        '[policy.smoke]\nextends = "ci"\nrequire = ["wget"]\nmax_layers = 1\n'
    )
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "deploy", "--config",
                       str(config))  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "smoke", "--config",
                       str(config), "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert code == 1 and data["base_purpose"] == "ci"
    assert [f["message"] for f in data["findings"]] == ["2 layers, over the limit of 1"]
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "smoke", "--config",
                       str(config), "--max-layers", "2")  # fmt: skip
    assert code == 0


def test_default_config_is_read_from_the_working_directory(capsys, saved, tmp_path, monkeypatch):
    (tmp_path / "tailor.toml").write_text('[policy.ci]\nrequire = ["helm"]\n')
    monkeypatch.chdir(tmp_path)
    code, _, _ = run(capsys, "check", "--analysis", str(saved), "-p", "ci")
    assert code == 1


def test_sarif_and_junit_outputs(capsys, saved, tmp_path):
    code, out, _ = run(capsys, "check", "--analysis", str(saved), "-p", "deploy", "--format",
                       "sarif")  # fmt: skip
    assert code == 1
    assert [r["ruleId"] for r in json.loads(out)["runs"][0]["results"]] == [
        "TP101", "TP201"
    ]  # fmt: skip
    target = tmp_path / "junit.xml"
    code, out, err = run(capsys, "check", "--analysis", str(saved), "-p", "deploy", "--format",
                         "junit", "--output", str(target))  # fmt: skip
    assert code == 1 and out == ""
    assert "NOT FIT for deploy" in err
    assert ET.parse(target).getroot().get("failures") == "2"


def test_output_never_overwrites_without_force(capsys, saved, tmp_path):
    target = tmp_path / "report.json"
    target.write_text("precious")
    code, out, err = run(capsys, "check", "--analysis", str(saved), "-p", "ci", "-o", str(target))
    assert code == 2 and out == ""
    assert (
        err == f"tailor: error: {target} already exists: choose another --output or add --force\n"
    )
    assert target.read_text() == "precious"
    code, _, _ = run(capsys, "check", "--analysis", str(saved), "-p", "ci", "-o", str(target),
                     "--force", "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(target.read_text())["fit"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "deploy"], "give either REFERENCE or --analysis FILE (exactly one)"),
        (["-p", "prod", "--analysis", "{saved}"], "unknown purpose 'prod'"),
        (["-p", "ci", "--analysis", "{saved}", "--max-size", "big"], "--max-size: 'big' is not"),
        (["-p", "ci", "--analysis", "{saved}", "--ignore", "TP999"], "no rule 'TP999'"),
        (["-p", "ci", "--analysis", "{tmp}/missing.json"], "analysis file"),
        (["-p", "ci", "--analysis", "{tmp}/junk.json"], "is not a saved analysis"),
        (["-p", "ci", "--analysis", "{tmp}/partial.json"], "is not a saved analysis"),
        (["-p", "ci", "--analysis", "{saved}", "--config", "{tmp}/bad.toml"], "is not valid TOML"),
        (["-p", "ci", "--analysis", "{saved}", "--config", "{tmp}/none.toml"], "does not exist"),
        (["-p", "ci", "--analysis", "{saved}", "--platform", "linux/arm64"], "--platform"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, saved, tmp_path, args, message):
    (tmp_path / "junk.json").write_text("not json {")
    (tmp_path / "partial.json").write_text('{"reference": "x"}')
    (tmp_path / "bad.toml").write_text("[policy.ci\n")
    args = [a.format(saved=saved, tmp=tmp_path) for a in args]
    code, out, err = run(capsys, "check", *args)
    assert code == 2 and out == ""
    assert err.startswith("tailor: error: ") and message in err
    assert err.count("\n") == 1


def test_unknown_format_is_a_usage_error(capsys, saved):
    code, _, err = run(capsys, "check", "--analysis", str(saved), "-p", "ci", "--format", "html")
    assert code == 2 and "Invalid value for '--format'" in err


def test_rules_lists_the_policy_rules(capsys):
    code, out, _ = run(capsys, "rules", "--scope", "image", "--format", "json")
    assert code == 0
    rules = {r["id"]: r for r in json.loads(out)}
    assert rules["TP201"]["title"] == "Image runs as root" and rules["TP201"]["scope"] == "image"
    assert {"TP100", "TP101", "TP110", "TP120", "TP203", "TP301", "TP404"} <= set(rules)


def test_analysis_from_standard_input(capsys, saved, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(saved.read_bytes())))
    code, out, _ = run(capsys, "check", "--analysis", "-", "-p", "local", "--format", "json")
    assert code == 1 and [f["rule"] for f in json.loads(out)["findings"]] == ["TP201"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"[]")))
    code, out, err = run(capsys, "check", "--analysis", "-", "-p", "local")
    assert code == 2 and "standard input is not a saved analysis" in err
