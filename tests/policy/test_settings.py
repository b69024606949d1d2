"""Settings: defaults, tailor.toml overrides and new purposes, flags, and one-line errors."""

from __future__ import annotations

import pytest

from imagetailor.errors import UsageError
from imagetailor.policy.evaluate import policy_rule_ids
from imagetailor.policy.settings import Overrides, read_config, resolve
from imagetailor.policy.sizes import format_size, parse_size
from imagetailor.rules import Severity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (52428800, 52428800),
        ("0", 0),
        ("100", 100),
        ("100B", 100),
        ("50MB", 50_000_000),
        ("50mb", 50_000_000),
        ("1.5GiB", 1_610_612_736),
        ("200 kB", 200_000),
        ("1.001MB", 1_001_000),
        ("2k", 2000),
        ("3MiB", 3_145_728),
    ],
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "-5", -5, "5 parsecs", "1.2.3MB", True, 1.5, None])
def test_parse_size_rejects(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_format_size():
    assert [format_size(n) for n in (0, 999, 1000, 1_234_567, 5_000_000_000)] == [
        "0 B", "999 B", "1.0 kB", "1.2 MB", "5.0 GB"
    ]  # fmt: skip


def test_builtin_defaults():
    deploy = resolve("deploy")
    assert deploy.base == "deploy" and deploy.allow_root is False and deploy.require_entrypoint
    assert "shell" in deploy.forbid and deploy.forbids("shell")
    assert deploy.min_efficiency == 0.9 and deploy.fail_on is Severity.ERROR
    local = resolve("local")
    assert local.base == "deploy" and local.forbid == deploy.forbid
    assert local.allow == ("shell", "curl", "wget", "dig", "nslookup")
    assert not local.forbids("shell") and local.forbids("compiler")
    assert local.allows("curl", "network") and not local.allows("nc", "network")
    ci = resolve("ci")
    assert ci.forbid == () and ci.allow_root and not ci.require_entrypoint
    dev = resolve("dev")
    assert dev.require_toolchain and dev.require_debugger


def test_config_overrides_and_flags_add():
    config = {
        "ci": {"require": ["pytest"], "max_size_bytes": "1.5GiB", "max_layers": 30},
        "deploy": {"allow": ["curl"], "fail_on": "Warning", "min_efficiency": 0.95},
    }
    ci = resolve("ci", config, overrides=Overrides(require=("promtool", "pytest")))
    assert ci.require == ("pytest", "promtool")
    assert ci.max_size_bytes == 1_610_612_736 and ci.max_layers == 30
    ci = resolve("ci", config, overrides=Overrides(max_size="10MB", max_layers=5))
    assert ci.max_size_bytes == 10_000_000 and ci.max_layers == 5
    deploy = resolve("deploy", config)
    assert deploy.allow == ("curl",) and deploy.fail_on is Severity.WARNING
    assert deploy.min_efficiency == 0.95
    # local extends deploy as the project changed it; lists add up along the chain
    local = resolve("local", config)
    assert local.fail_on is Severity.WARNING and local.allow == (
        "curl",
        "shell",
        "wget",
        "dig",
        "nslookup",
    )


def test_project_lists_add_to_the_built_in_ones_unless_replace():
    forbid = resolve("deploy").forbid
    added = resolve("deploy", {"deploy": {"forbid": ["container-runtime"]}})
    assert added.forbid == (*forbid, "container-runtime")
    replaced = resolve("deploy", {"deploy": {"forbid": ["container-runtime"], "replace": True}})
    assert replaced.forbid == ("container-runtime",)
    local = resolve("local", {"local": {"allow": ["jq"]}})
    assert local.allow == ("shell", "curl", "wget", "dig", "nslookup", "jq")


def test_new_purposes_extend_a_chain():
    config = {
        "preview": {"extends": "local", "description": "review apps", "allow": ["shell", "nc"]},
        "preview-strict": {"extends": "preview", "max_layers": 8},
    }
    strict = resolve("preview-strict", config)
    assert strict.purpose == "preview-strict" and strict.base == "deploy"
    assert (
        strict.allow == ("shell", "curl", "wget", "dig", "nslookup", "nc")
        and strict.max_layers == 8
    )
    assert strict.description == "review apps" and strict.allow_root is False


@pytest.mark.parametrize(
    ("purpose", "config", "message"),
    [
        ("prod", {}, "unknown purpose 'prod': use one of ci, deploy, dev, local or define "
         "[policy.prod] with extends = \"deploy\" in tailor.toml"),
        ("x", {"x": {"max_layers": 3}}, "tailor.toml [policy.x] extends: missing; a new purpose "
         "must extend one of deploy, ci, local, dev, e.g. extends = \"deploy\""),
        ("a", {"a": {"extends": "b"}, "b": {"extends": "a"}},
         "tailor.toml: purposes extend each other in a loop: a -> b -> a"),
        ("a", {"a": {"extends": "nope"}}, "tailor.toml [policy.a] extends: unknown purpose 'nope'"),
        ("deploy", {"deploy": {"max_sise": 3}}, "tailor.toml [policy.deploy] max_sise: unknown "
         "key; use one of allow, allow_root, build_mode_variables"),
        ("deploy", {"deploy": {"max_size_bytes": "50 parsecs"}}, "tailor.toml [policy.deploy] "
         "max_size_bytes: '50 parsecs' has an unknown unit 'parsecs'; write bytes or a size "
         "such as \"50MB\" or \"1.5GiB\""),
        ("deploy", {"deploy": {"max_layers": 0}}, "tailor.toml [policy.deploy] max_layers: must "
         "be a whole number of layers >= 1, e.g. 20"),
        ("deploy", {"deploy": {"min_efficiency": 90}}, "tailor.toml [policy.deploy] "
         "min_efficiency: must be a number from 0 to 1, e.g. 0.9"),
        ("deploy", {"deploy": {"allow": "curl"}}, "tailor.toml [policy.deploy] allow: must be a "
         "list of names, e.g. allow = [\"curl\"]"),
        ("deploy", {"deploy": {"allow_root": "no"}}, "tailor.toml [policy.deploy] allow_root: "
         "must be true or false"),
        ("deploy", {"deploy": {"fail_on": "fatal"}}, "tailor.toml [policy.deploy] fail_on: "
         "'fatal' is not a severity; use one of error, warning, info, style"),
        ("deploy", {"deploy": {"severity": {"TP101": "loud"}}}, "tailor.toml [policy.deploy] "
         "severity.TP101: 'loud' is not a severity"),
        ("deploy", {"deploy": {"ignore": ["TP999"]}}, "policy deploy: no rule 'TP999' to ignore "
         "or re-grade; `tailor rules --scope image` lists the ids"),
    ],
)  # fmt: skip
def test_bad_settings_name_the_key_and_the_fix(purpose, config, message):
    with pytest.raises(UsageError) as caught:
        resolve(purpose, config, known_rules=policy_rule_ids())
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (Overrides(max_size="lots"), "--max-size: 'lots' is not a size; write bytes"),
        (Overrides(max_wasted="-1"), "--max-wasted: '-1' is not a size"),
        (Overrides(max_layers=0), "--max-layers: must be a whole number of layers >= 1"),
        (Overrides(min_efficiency=1.5), "--min-efficiency: must be a number from 0 to 1"),
        (Overrides(fail_on="never"), "--fail-on: 'never' is not a severity"),
    ],
)
def test_bad_flags(flags, message):
    with pytest.raises(UsageError) as caught:
        resolve("ci", overrides=flags)
    assert str(caught.value).startswith(message)


def test_read_config(tmp_path, monkeypatch):
    path = tmp_path / "tailor.toml"
    path.write_text('[app]\nname = "x"\n[policy.ci]\nrequire = ["pytest"]\n')
    tables, source = read_config(path)
    assert tables == {"ci": {"require": ["pytest"]}} and source == str(path)
    monkeypatch.chdir(tmp_path)
    assert read_config(None) == ({"ci": {"require": ["pytest"]}}, "tailor.toml")
    (tmp_path / "tailor.toml").unlink()
    assert read_config(None) == ({}, "")
    with pytest.raises(UsageError, match=r"does not exist: check --config"):
        read_config(tmp_path / "missing.toml")
    path.write_text("[policy.ci\n")
    with pytest.raises(UsageError, match=r"is not valid TOML: "):
        read_config(path)
    path.write_text("[policy]\nci = 3\n")
    with pytest.raises(UsageError, match=r"\[policy\] must hold one table per purpose"):
        read_config(path)


def test_severity_tables_merge_rule_by_rule_unless_replace():
    """Re-grading one rule keeps the grades the purpose has for the others (and inherits)."""
    deploy = resolve("deploy", {"deploy": {"severity": {"TP404": "error"}}})
    assert deploy.severity == {
        "TP304": Severity.ERROR,
        "TP701": Severity.ERROR,
        "TP702": Severity.ERROR,
        "TP404": Severity.ERROR,
    }
    # local extends deploy: its own table over deploy's, key by key.
    local = resolve("local")
    assert (local.severity["TP102"], local.severity["TP304"], local.severity["TP701"]) == (
        Severity.WARNING,
        Severity.ERROR,
        Severity.WARNING,
    )
    staging = resolve(
        "staging",
        {"staging": {"extends": "deploy", "replace": True, "severity": {"TP701": "info"}}},
    )
    assert staging.severity == {"TP701": Severity.INFO}
