"""Matching test images' packages against OSV records, through the real CLI."""

from __future__ import annotations

import json
import zipfile

import pytest

from imagetailor.cli.main import main
from tests.vulns.osvdata import APT_LAYER, PIP_LAYER, alpine_image, debian_image, write_db


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("vulns")
    return {
        "debian": debian_image(root / "debian.tar"),
        "debian13": debian_image(root / "debian13.tar", release="13"),
        "alpine": alpine_image(root / "alpine.tar"),
        "db": write_db(root / "osv"),
        "root": root,
    }


def inspect_json(capsys, *args):
    code, out, err = run(capsys, "inspect", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def found(data):
    return {(v["id"], v["package"], v["fixed"], v["severity"]) for v in data["vulnerabilities"]}


def test_debian_matches_by_source_release_and_dpkg_order(capsys, world):
    data = inspect_json(capsys, world["debian"], "--vuln-db", str(world["db"]))
    assert data["os_release"]["id"] == "debian" and data["os_release"]["version_id"] == "12"
    assert found(data) == {
        ("DSA-5514-1", "libc6", "2.36-9+deb12u3", "high"),
        ("DEBIAN-CVE-2022-0001", "bash", "5.2.15-2+b10", "low"),
        ("DEBIAN-CVE-2024-0003", "libssl3", None, "unknown"),
        ("PYSEC-2021-142", "PyYAML", "5.4", "critical"),
        ("GHSA-35jh-r3h4-6jhm", "lodash", "4.17.21", "high"),
    }
    first = data["vulnerabilities"][0]
    assert first["id"] == "PYSEC-2021-142" and first["score"] == 9.8
    assert first["layer"] == 2 and first["aliases"] == ["CVE-2020-14343", "GHSA-8q59-q68h-6hv4"]
    assert first["ecosystem"] == "PyPI" and first["version"] == "5.3.1"
    libc = next(v for v in data["vulnerabilities"] if v["package"] == "libc6")
    assert libc["advisory_package"] == "glibc" and libc["layer"] == 1  # the apt layer wrote it
    scan = data["vulnerability_scan"]
    assert (scan["records"], scan["skipped"], scan["withdrawn"]) == (13, 0, 1)


def test_another_debian_release_matches_no_debian_record(capsys, world):
    data = inspect_json(capsys, world["debian13"], "--vuln-db", str(world["db"]))
    assert {v["ecosystem"] for v in data["vulnerabilities"]} == {"PyPI", "npm"}


def test_alpine_origin_and_apk_order(capsys, world):
    data = inspect_json(capsys, world["alpine"], "--vuln-db", str(world["db"]))
    assert found(data) == {
        ("ALPINE-CVE-2024-0727", "libcrypto3", "3.1.4-r6", "medium"),
        ("OSV-LIST-1", "ssl_client", None, "unknown"),
    }


def test_no_db_means_no_scan_and_text_summary(capsys, world, monkeypatch):
    data = inspect_json(capsys, world["alpine"])
    assert data["vulnerability_scan"] is None and data["vulnerabilities"] == []
    monkeypatch.setenv("TAILOR_VULN_DB", str(world["db"]))
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "inspect", world["debian"])
    assert code == 0
    assert "vulnerabilities: 1 critical, 2 high, 1 low, 1 unknown" in out
    assert "PYSEC-2021-142" in out and "CVE-2020-14343" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def check(capsys, image, *args):
    code, out, err = run(capsys, "check", image, "-p", "ci", "--format", "json", *args)
    return code, json.loads(out) if out else None, err


def test_check_rules_per_severity_threshold_and_evidence(capsys, world):
    db = str(world["db"])
    code, report, _ = check(capsys, world["debian"], "--vuln-db", db)
    assert code == 1  # the default threshold is high
    by_rule = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert by_rule == {("TP501", "error"), ("TP502", "error"), ("TP504", "info"),
                       ("TP505", "info")}  # fmt: skip
    libc = next(f for f in report["findings"] if "libc6" in f["message"])
    assert libc["layer"] == 1 and libc["created_by"] == APT_LAYER
    assert "source glibc" in libc["message"] and "fixed in 2.36-9+deb12u3" in libc["message"]
    assert "CVE-2023-4911" in libc["message"]
    pyyaml = next(f for f in report["findings"] if f["rule"] == "TP501")
    assert pyyaml["created_by"] == PIP_LAYER
    code, report, _ = check(capsys, world["debian"], "--vuln-db", db, "--fail-on-vuln", "critical")
    assert code == 1
    assert {f["rule"] for f in report["findings"] if f["severity"] == "error"} == {"TP501"}
    code, report, _ = check(capsys, world["debian"], "--vuln-db", db, "--fail-on-vuln", "critical",
                            "--ignore-vuln", "CVE-2020-14343")  # fmt: skip
    assert code == 0 and report["fit"] is True
    code, report, _ = check(capsys, world["alpine"], "--vuln-db", db, "--fail-on-vuln", "medium")
    assert code == 1
    code, report, _ = check(capsys, world["alpine"], "--vuln-db", db)
    assert code == 0  # medium and unknown are below the default threshold
    code, report, _ = check(capsys, world["alpine"])  # not scanned: the rules are not judged
    assert not any(r["rule"].startswith("TP5") for r in report["rules"])


def test_vex_suppresses_by_alias_and_product(capsys, world, tmp_path):
    vex = tmp_path / "app.vex.json"
    vex.write_text(json.dumps({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "statements": [
            {"vulnerability": {"name": "CVE-2020-14343"},
             "products": [{"@id": "pkg:oci/app@sha256:abc",
                           "subcomponents": [{"@id": "pkg:pypi/pyyaml@5.3.1"}]}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
            # A product of another version does not cover the installed one.
            {"vulnerability": "CVE-2021-23337", "products": ["pkg:npm/lodash@4.17.19"],
             "status": "not_affected"},
            # under_investigation suppresses nothing.
            {"vulnerability": {"name": "CVE-2023-4911"}, "status": "under_investigation"},
        ],
    }))  # fmt: skip
    data = inspect_json(capsys, world["debian"], "--vuln-db", str(world["db"]), "--vex", str(vex))
    marked = {v["id"]: v["suppressed_by"] for v in data["vulnerabilities"]}
    assert marked["PYSEC-2021-142"] == f"vex:{vex}"
    assert marked["GHSA-35jh-r3h4-6jhm"] is None and marked["DSA-5514-1"] is None
    code, _, _ = check(capsys, world["debian"], "--vuln-db", str(world["db"]),
                       "--vex", str(vex), "--fail-on-vuln", "critical")  # fmt: skip
    assert code == 0


def test_saved_analysis_is_judged_and_reignored(capsys, world, tmp_path):
    saved = tmp_path / "a.json"
    code, out, _ = run(capsys, "inspect", world["debian"], "--vuln-db", str(world["db"]),
                       "--format", "json")  # fmt: skip
    saved.write_text(out)
    code, _, _ = run(capsys, "check", "--analysis", str(saved), "-p", "ci", "--fail-on-vuln",
                     "high", "--ignore-vuln", "PYSEC-2021-142", "--ignore-vuln",
                     "GHSA-35jh-r3h4-6jhm", "--ignore-vuln", "DSA-5514-1")  # fmt: skip
    assert code == 0


def test_zip_database_matches_the_same(capsys, world, tmp_path):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(world["db"].rglob("*.json")):
            zf.write(path, path.name)
    from_dir = inspect_json(capsys, world["debian"], "--vuln-db", str(world["db"]))
    from_zip = inspect_json(capsys, world["debian"], "--vuln-db", str(archive))
    assert found(from_zip) == found(from_dir)


def test_malformed_records_are_counted_once(capsys, world, tmp_path):
    db = write_db(tmp_path / "osv")
    (db / "broken.json").write_text("{not json")
    (db / "shape.json").write_text(json.dumps({"id": "X-1", "affected": [{"package": "glibc"}]}))
    (db / "events.json").write_text(json.dumps({"id": "X-2", "affected": [{"package": {
        "ecosystem": "PyPI", "name": "pyyaml"}, "ranges": [{"type": "ECOSYSTEM",
        "events": [{"introduced": 0}]}]}]}))  # fmt: skip
    (db / "list.json").write_text("[1, 2]")
    code, out, err = run(capsys, "inspect", world["debian"], "--vuln-db", str(db),
                         "--format", "json")  # fmt: skip
    assert code == 0 and "Traceback" not in err
    assert err.count("4 record(s)") == 1
    assert json.loads(out)["vulnerability_scan"]["skipped"] == 4


def test_hostile_zips(capsys, world, tmp_path, monkeypatch):
    from imagetailor.vulns import database

    huge = tmp_path / "huge.zip"
    with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.json", b"[" + b" " * (9 << 20) + b"]")  # 9 MiB of spaces, ~10 KB
        for path in sorted(world["db"].rglob("*.json")):
            zf.write(path, path.name)
    data = inspect_json(capsys, world["debian"], "--vuln-db", str(huge))
    assert data["vulnerability_scan"]["skipped"] == 1 and len(data["vulnerabilities"]) == 5
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for index in range(60):
            zf.writestr(f"r{index}.json", "{}")
    monkeypatch.setattr(database, "MAX_RECORDS", 50)
    code, out, err = run(capsys, "inspect", world["debian"], "--vuln-db", str(many))
    assert code == 2 and out == ""
    assert "60 members, more than 50" in err and "Traceback" not in err
    (tmp_path / "not.zip").write_text("plain text")
    code, _, err = run(capsys, "inspect", world["debian"], "--vuln-db", str(tmp_path / "not.zip"))
    assert code == 2 and "not a zip" in err and len(err.strip().splitlines()) == 1


def test_option_misuse_is_one_line(capsys, world, tmp_path):
    code, _, err = run(capsys, "check", world["alpine"], "-p", "ci", "--fail-on-vuln", "high")
    assert code == 2 and "needs --vuln-db" in err
    code, _, err = run(capsys, "inspect", world["alpine"], "--vuln-db", str(tmp_path / "nope"))
    assert code == 2 and "no such directory" in err
