"""Check renderers: the JSON contract's keys, SARIF 2.1.0 structure, JUnit XML that parses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from imagetailor.report.check import (
    render_check_json,
    render_check_junit,
    render_check_sarif,
    render_check_text,
    verdict_line,
)
from tests.policy.builders import BASE_LAYER, SecretHit, clean_analysis, hit

# Plain files (a dash and a wget): the renderers' figures are one finding per tool. busybox
# applet links are judged as one busybox finding (tests/policy/test_busybox.py).
TOOLS = [
    hit("sh", "shell", "/bin/sh", 0),
    hit("wget", "network", "/bin/wget", 0),
]
ENV_SECRET = SecretHit(
    kind="github-token",
    description="GitHub token",
    location="env",
    path="GH_TOKEN",
    layer=None,
    excerpt="GH_TOKEN=ghp_****",
)


def deploy_report(**changes):
    analysis = clean_analysis(tool_hits=TOOLS, secrets=[ENV_SECRET], **changes)
    return evaluate(analysis, resolve("deploy"))


def test_json_contract_keys_and_values():
    data = json.loads(render_check_json(deploy_report()))
    assert set(data) == {
        "schema_version", "purpose", "base_purpose", "reference", "manifest_digest",
        "config_digest", "fit", "fail_on", "findings", "rules", "summary",
    }  # fmt: skip
    assert data["purpose"] == "deploy" and data["fit"] is False and data["fail_on"] == "error"
    assert data["summary"] == {"error": 3, "warning": 0, "info": 0, "style": 0, "total": 3}
    assert data["findings"][0] == {
        "rule": "TP101",
        "severity": "error",
        "title": "Image contains a shell",
        "message": "shell sh at /bin/sh (shell); a deploy image must not carry it",
        "path": "/bin/sh",
        "layer": 0,
        "created_by": BASE_LAYER,
        "fix": data["findings"][0]["fix"],
    }
    assert [f["rule"] for f in data["findings"]] == ["TP101", "TP106", "TP302"]
    assert data["findings"][2]["path"] == "GH_TOKEN" and data["findings"][2]["layer"] is None
    assert {"rule": "TP101", "severity": "error", "title": "Image contains a shell",
            "findings": 1} in data["rules"]  # fmt: skip


def test_sarif_structure():
    log = json.loads(render_check_sarif(deploy_report()))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids[:3] == ["TP100", "TP101", "TP102"] and "TP302" in ids
    shell_rule = rules[ids.index("TP101")]
    assert shell_rule["name"] == "ImageContainsAShell"
    assert shell_rule["defaultConfiguration"] == {"level": "error"}
    assert "Fix: " in shell_rule["help"]["text"] and shell_rule["fullDescription"]["text"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("TP101", "error"), ("TP106", "error"), ("TP302", "error")
    ]  # fmt: skip
    shell = results[0]
    assert ids[shell["ruleIndex"]] == "TP101"
    location = shell["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "bin/sh", "uriBaseId": "IMAGEROOT"
    }  # fmt: skip
    assert location["logicalLocations"] == [{"fullyQualifiedName": "layer 0"}]
    assert shell["properties"] == {"purpose": "deploy", "layer": 0, "createdBy": BASE_LAYER}
    secret = results[2]
    # Every result has an artifact (code-scanning services drop the others): the image itself.
    assert all("physicalLocation" in r["locations"][0] for r in results)
    assert secret["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "docker-archive:/tmp/app.tar"
    }
    assert secret["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "config GH_TOKEN"}]
    assert run["originalUriBaseIds"]["IMAGEROOT"]["uri"] == "file:///"
    assert run["properties"]["fit"] is False


def test_junit_one_case_per_rule_and_failures_for_findings():
    report = deploy_report()
    root = ET.fromstring(render_check_junit(report))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(report.rules) == int(suite.get("tests"))
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == [
        "TP101 Image contains a shell",
        "TP106 Image contains a network tool",
        "TP302 Secret in the image config",
    ]
    assert suite.get("failures") == "3" and root.get("failures") == "3"
    failure = cases[[c.get("name") for c in cases].index(failed[0])].find("failure")
    assert failure.get("type") == "TP101"
    assert "at /bin/sh (layer 0: ADD rootfs.tar / # buildkit)" in failure.text
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["purpose"] == "deploy" and props["fit"] == "false"


def test_junit_warnings_below_fail_on_are_output_not_failures():
    analysis = clean_analysis()
    analysis.dive.efficiency = 0.5
    root = ET.fromstring(render_check_junit(evaluate(analysis, resolve("deploy"))))
    case = next(c for c in root.iter("testcase") if c.get("name").startswith("TP404"))
    assert case.find("failure") is None
    assert "efficiency 0.5000 is below the minimum 0.9000" in case.find("system-out").text
    assert root.get("failures") == "0"


def test_hostile_names_stay_inert_in_text_and_xml():
    hostile = "/bin/[bold]sh\x1b[2J\x07\udcff"
    analysis = clean_analysis(tool_hits=[hit("sh", "shell", hostile, 0)])
    report = evaluate(analysis, resolve("deploy"))
    text = render_check_text(report, width=200)
    assert "\x1b" not in text and "\x07" not in text
    assert "/bin/[bold]sh\\x1b[2J\\x07\\xdcff" in text
    root = ET.fromstring(render_check_junit(report))  # parses despite the control characters
    assert "\\x1b" in next(root.iter("failure")).text
    assert json.loads(render_check_json(report))["findings"][0]["path"] == hostile


def test_text_leads_with_the_verdict_and_a_summary_by_rule():
    report = deploy_report()
    text = render_check_text(report, width=80)
    verdict = verdict_line(report)
    assert text == (
        f"{verdict}\n"
        "\n"
        "TP101  error  Image contains a shell (1)\n"
        "  shell sh at /bin/sh (shell); a deploy image must not carry it\n"
        "  from layer 0: ADD rootfs.tar / # buildkit\n"
        "  fix: Copy only the application and what it needs into a scratch or distroless\n"
        "    final stage; use exec-form ENTRYPOINT/CMD so no shell is needed. Keep a\n"
        "    shell in the local image.\n"
        "\n"
        "TP106  error  Image contains a network tool (1)\n"
        "  network tool wget at /bin/wget (network); a deploy image must not carry it\n"
        "  from layer 0: ADD rootfs.tar / # buildkit\n"
        "  fix: Drop them from the final stage; for health checks, build a tiny check\n"
        "    into the application or use the orchestrator's HTTP probe.\n"
        "\n"
        "TP302  error  Secret in the image config (1)\n"
        "  GitHub token (github-token) in Env GH_TOKEN: GH_TOKEN=ghp_****\n"
        "  fix: Revoke the secret; pass it at run time (env from the orchestrator's\n"
        "    secret store) or at build time with RUN --mount=type=secret, never ARG or\n"
        "    ENV.\n"
        "\n"
        "(every path: --verbose, or --format json)\n"
        f"{verdict}\n"
    )
    # Many findings of one rule: one block, its count, the first paths, the busiest layer.
    compilers = [
        hit(f"cc{n}", "compiler", f"/usr/bin/cc{n}", 1 if n < 30 else 0) for n in range(34)
    ]
    many = evaluate(clean_analysis(tool_hits=compilers), resolve("deploy"))
    text = render_check_text(many, width=80)
    assert "TP103  error  Image contains a compiler or build tool (34)\n" in text
    assert "  /usr/bin/cc0, /usr/bin/cc1, /usr/bin/cc10 and 31 more\n" in text
    assert "  from layer 1 (30 of 34): COPY server /app/server # buildkit\n" in text
    assert text.count("/usr/bin/") == 3 and text.count("fix:") == 1
    verbose = render_check_text(many, width=80, verbose=True)
    assert verbose.count("/usr/bin/cc") == 3 + 2 * 34  # the table: each path and message
    assert all(len(line) <= 80 for line in verbose.splitlines() if not line.startswith("docker"))
    assert verdict_line(report) == (
        "docker-archive:/tmp/app.tar: NOT FIT for deploy — 3 error(s), 0 warning(s), 0 info, "
        "0 style; 27 rule(s) evaluated; fails on error and above"
    )
    fit = evaluate(clean_analysis(), resolve("deploy"))
    assert render_check_text(fit).strip() == verdict_line(fit)


def test_sarif_uris_are_percent_encoded():
    odd = "/srv/my app/caf\u00e9\udcff#1"
    analysis = clean_analysis(tool_hits=[hit("nc", "network", odd, 1)])
    log = json.loads(render_check_sarif(evaluate(analysis, resolve("deploy"))))
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "srv/my%20app/caf%C3%A9%FF%231"
