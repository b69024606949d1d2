"""Each built-in rule on hand-built analyses: exact findings, for each purpose, both ways."""

from __future__ import annotations

import pytest

from imagetailor.policy.evaluate import evaluate, policy_rule_ids
from imagetailor.policy.rules import runtime_language
from imagetailor.policy.settings import Overrides, resolve
from imagetailor.rules import Severity, all_rules
from tests.policy.builders import (
    APP_LAYER,
    BASE_LAYER,
    HiddenBytes,
    HiddenFile,
    PackageInfo,
    SecretHit,
    clean_analysis,
    hit,
)


def check(analysis, purpose, **flags):
    return evaluate(analysis, resolve(purpose, overrides=Overrides(**flags)))


def triples(report):
    return [(f.rule, f.path, f.layer) for f in report.findings]


# What every purpose is judged on, whatever its settings: secrets, sensitive files, caches, the
# base-image label, setuid/setgid files and world-writable system paths.
EVERY_PURPOSE = ["TP208", "TP301", "TP302", "TP303", "TP304", "TP405", "TP701", "TP702"]

BUSYBOX_TOOLS = [
    hit("sh", "shell", "/bin/sh", 0, evidence="busybox-applet"),
    hit("wget", "network", "/bin/wget", 0, evidence="busybox-applet"),
    hit("vi", "editor", "/bin/vi", 0, evidence="busybox-applet"),
]


def test_clean_image_fits_deploy_and_lists_every_rule_it_judged():
    report = check(clean_analysis(), "deploy")
    assert report.fit is True
    assert report.findings == []
    assert [r.rule for r in report.rules] == [
        "TP100", "TP101", "TP102", "TP103", "TP104", "TP105", "TP106", "TP107", "TP108", "TP109",
        "TP110", "TP201", "TP202", "TP203", "TP204", "TP205", "TP206", "TP207", "TP208",
        "TP301", "TP302", "TP303", "TP304", "TP404", "TP405", "TP701", "TP702",
    ]  # fmt: skip
    assert report.summary.total == 0


def test_busybox_as_root_fails_deploy_as_one_busybox_finding():
    report = check(clean_analysis(tool_hits=BUSYBOX_TOOLS, config={"user": None}), "deploy")
    assert report.fit is False
    assert triples(report) == [("TP101", "/bin/sh", 0), ("TP201", None, None)]
    shell = report.findings[0]
    assert shell.message == (
        "busybox 3 applet link(s): sh (shell), vi (editor), wget (network), the first at "
        "/bin/sh; a deploy image must not carry it"
    )
    assert shell.created_by == BASE_LAYER
    assert shell.severity is Severity.ERROR
    assert shell.fix.startswith("Copy only the application")
    assert (
        report.findings[1].message == "the config's User is not set, so the container runs as root"
    )
    assert report.summary.model_dump() == {
        "error": 2, "warning": 0, "info": 0, "style": 0, "total": 2
    }  # fmt: skip


def test_busybox_links_are_one_finding_on_the_binary() -> None:
    """dpkg, rpm, nc, telnet as applets are what busybox can do, not a package manager or
    network tools of their own: one finding, named after the binary, listing them."""
    links = [
        hit(name, category, f"/bin/{name}", 0, evidence="busybox-applet")
        for name, category in [
            ("sh", "shell"), ("vi", "editor"), ("wget", "network"), ("nc", "network"),
            ("telnet", "network"), ("dpkg", "package-manager"), ("rpm", "package-manager"),
        ]
    ]  # fmt: skip
    tools = [hit("busybox", "shell", "/bin/busybox", 0), *links]
    report = check(clean_analysis(tool_hits=tools), "deploy")
    assert triples(report) == [("TP101", "/bin/busybox", 0)]
    assert report.findings[0].message == (
        "busybox at /bin/busybox with 7 applet link(s): dpkg (package-manager), nc (network), "
        "rpm (package-manager), sh (shell), telnet (network), vi (editor), wget (network); "
        "a deploy image must not carry it"
    )
    assert check(clean_analysis(tool_hits=tools), "local").findings == []


def test_local_allows_busybox_and_its_applets_but_not_a_real_editor():
    report = check(clean_analysis(tool_hits=BUSYBOX_TOOLS), "local")
    assert report.fit is True and report.findings == []
    vim = hit("vim", "editor", "/usr/bin/vim", 1)
    report = check(clean_analysis(tool_hits=[*BUSYBOX_TOOLS, vim]), "local")
    assert triples(report) == [("TP109", "/usr/bin/vim", 1)]
    assert report.fit is False


def test_local_says_the_package_manager_as_a_warning():
    apk = hit("apk", "package-manager", "/sbin/apk", 0)
    report = check(clean_analysis(tool_hits=[*BUSYBOX_TOOLS, apk]), "local")
    assert [(f.rule, f.severity) for f in report.findings] == [("TP102", Severity.WARNING)]
    assert report.fit is True
    assert [
        (f.rule, f.severity) for f in check(clean_analysis(tool_hits=[apk]), "deploy").findings
    ] == [("TP102", Severity.ERROR)]


def test_local_allows_visibility_tools_and_still_forbids_debuggers():
    tools = [
        hit("curl", "network", "/usr/bin/curl", 1),
        hit("dig", "network", "/usr/bin/dig", 1),
        hit("gdb", "debugger", "/usr/bin/gdb", 1),
    ]
    assert triples(check(clean_analysis(tool_hits=tools), "local")) == [
        ("TP104", "/usr/bin/gdb", 1)
    ]


def test_local_still_forbids_compilers_and_other_network_tools():
    tools = [hit("gcc", "compiler", "/usr/bin/gcc", 1), hit("nc", "network", "/bin/nc", 1)]
    report = check(clean_analysis(tool_hits=tools), "local")
    assert triples(report) == [("TP103", "/usr/bin/gcc", 1), ("TP106", "/bin/nc", 1)]
    assert report.findings[0].created_by == APP_LAYER


@pytest.mark.parametrize(
    ("category", "rule"),
    [
        ("shell", "TP101"),
        ("package-manager", "TP102"),
        ("compiler", "TP103"),
        ("debugger", "TP104"),
        ("test", "TP105"),
        ("lint", "TP105"),
        ("coverage", "TP105"),
        ("network", "TP106"),
        ("monitoring", "TP107"),
        ("vcs", "TP108"),
        ("editor", "TP109"),
    ],
)
def test_each_forbidden_category_has_its_rule_in_deploy_and_none_in_ci(category, rule):
    analysis = clean_analysis(tool_hits=[hit("thing", category, "/usr/bin/thing", 1)])
    assert triples(check(analysis, "deploy")) == [(rule, "/usr/bin/thing", 1)]
    assert check(analysis, "ci").findings == []


def test_allow_flag_takes_tool_names_and_categories():
    analysis = clean_analysis(tool_hits=BUSYBOX_TOOLS)
    assert triples(check(analysis, "deploy", allow=("vi", "network"))) == [("TP101", "/bin/sh", 0)]


def test_inventory_paths_without_hits_still_count():
    analysis = clean_analysis(tools={"vcs": ["/app/.git"]})
    report = check(analysis, "deploy")
    assert triples(report) == [("TP108", "/app/.git", None)]
    assert report.findings[0].message == (
        "version-control data .git at /app/.git (vcs); a deploy image must not carry it"
    )


def test_package_only_tool_has_no_path():
    tools = [hit("apt", "package-manager", None, None, evidence="package", package="apt")]
    report = check(clean_analysis(tool_hits=tools), "deploy")
    assert triples(report) == [("TP102", None, None)]
    assert report.findings[0].message == (
        "package manager apt (installed package) (package-manager); "
        "a deploy image must not carry it"
    )


def test_second_language_runtime():
    python = [
        hit("python3", "runtime", "/usr/bin/python3", 0),
        hit("python3.11", "runtime", "/usr/bin/python3.11", 0),
        hit("python3.11-minimal", "runtime", None, None, evidence="package"),
    ]
    assert check(clean_analysis(tool_hits=python), "deploy").findings == []
    both = [*python, hit("node", "runtime", "/usr/local/bin/node", 1)]
    report = check(clean_analysis(tool_hits=both), "deploy")
    assert triples(report) == [
        ("TP110", "/usr/bin/python3", 0),
        ("TP110", "/usr/local/bin/node", 1),
    ]
    assert report.findings[1].message == (
        "node runtime node at /usr/local/bin/node is one of 2 language runtimes "
        "(node, python); a deploy image should carry one"
    )
    assert check(clean_analysis(tool_hits=both), "deploy", allow=("node",)).findings == []
    assert check(clean_analysis(tool_hits=both), "dev", ignore=("TP121", "TP122")).findings == []


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("python3.11", "python"),
        ("pypy3", "python"),
        ("nodejs", "node"),
        ("openjdk-17-jre-headless", "java"),
        ("perl-base", "perl"),
        ("php8.2-fpm", "php"),
        ("ruby3.1", "ruby"),
        ("guile3.0", "guile"),
    ],
)
def test_runtime_languages_come_from_the_data_file(name, language):
    assert runtime_language(name) == language


def test_package_hit_beside_the_file_hit_is_one_finding():
    tools = [
        hit("bash", "shell", "/bin/bash", 0, package="bash"),
        hit("bash", "shell", None, None, evidence="package", package="bash"),
        hit("dash", "shell", None, None, evidence="package", package="dash"),
    ]
    assert triples(check(clean_analysis(tool_hits=tools), "deploy")) == [
        ("TP101", None, None),
        ("TP101", "/bin/bash", 0),
    ]


def test_cloud_cli_falls_to_the_generic_rule_in_deploy():
    tools = [hit("kubectl", "cloud-cli", "/usr/local/bin/kubectl", 1)]
    report = check(clean_analysis(tool_hits=tools), "deploy")
    assert [(f.rule, f.path, f.message) for f in report.findings] == [
        ("TP100", "/usr/local/bin/kubectl",
         "tool kubectl at /usr/local/bin/kubectl (cloud-cli); a deploy image must not carry it"),
    ]  # fmt: skip


def test_ci_requires_what_it_is_asked_for():
    analysis = clean_analysis(
        tool_hits=[hit("pytest", "test", "/usr/local/bin/pytest", 1)],
        packages=[PackageInfo(name="promtool", version="2.45", manager="dpkg", layer=1)],
    )
    report = check(analysis, "ci", require=("pytest", "promtool", "/usr/local/bin/pytest"))
    assert report.fit is True
    assert [r.rule for r in report.rules] == ["TP120", *EVERY_PURPOSE]
    report = check(analysis, "ci", require=("pytest", "helm", "/usr/bin/pytest"))
    assert report.fit is False
    assert [(f.rule, f.message) for f in report.findings] == [
        ("TP120", "required tool /usr/bin/pytest was not found in the image"),
        ("TP120", "required tool helm was not found in the image"),
    ]


def test_ci_without_requirements_only_checks_secrets():
    report = check(clean_analysis(tool_hits=BUSYBOX_TOOLS, config={"user": None}), "ci")
    assert report.fit is True
    assert [r.rule for r in report.rules] == EVERY_PURPOSE


def test_dev_needs_a_toolchain_and_a_debugger():
    report = check(clean_analysis(), "dev")
    assert [(f.rule, f.message) for f in report.findings] == [
        ("TP121", "no compiler, and no language runtime together with a package manager"),
        ("TP122", "no debugger or profiler found"),
    ]
    compiled = [hit("gcc", "compiler", "/usr/bin/gcc"), hit("gdb", "debugger", "/usr/bin/gdb")]
    assert check(clean_analysis(tool_hits=compiled), "dev").fit is True
    runtime_only = [
        hit("python3", "runtime", "/usr/bin/python3"),
        hit("gdb", "debugger", "/usr/bin/gdb"),
    ]
    assert triples(check(clean_analysis(tool_hits=runtime_only), "dev")) == [("TP121", None, None)]
    with_pip = [*runtime_only, hit("pip", "package-manager", "/usr/bin/pip")]
    assert check(clean_analysis(tool_hits=with_pip), "dev").fit is True


@pytest.mark.parametrize("user", [None, "", "root", "0", "0:0", "root:wheel", " 0 "])
def test_root_users(user):
    assert triples(check(clean_analysis(config={"user": user}), "deploy")) == [
        ("TP201", None, None)
    ]


@pytest.mark.parametrize("user", ["10001", "app", "10001:0", "nobody:nogroup", "1000"])
def test_non_root_users(user):
    assert check(clean_analysis(config={"user": user}), "deploy").findings == []


def test_env_naming_an_environment():
    env = {
        "NODE_ENV": "production",  # a build mode, the same everywhere: not a place
        "RAILS_ENV": "staging",  # a build-mode variable naming a place is still one
        "DB_HOST": "db.prod.internal",
        "PRODUCT": "productivity-suite",
        "STAGE_DIR": "/srv/app",
    }
    report = check(clean_analysis(config={"env": env}), "deploy")
    assert [(f.rule, f.path, f.message) for f in report.findings] == [
        ("TP202", "DB_HOST", "Env DB_HOST='db.prod.internal' names the environment 'prod'"),
        ("TP202", "RAILS_ENV", "Env RAILS_ENV='staging' names the environment 'staging'"),
    ]
    assert check(clean_analysis(config={"env": env}), "dev", ignore=("TP121", "TP122")).fit


def test_entrypoint_missing_or_not_executable():
    report = check(clean_analysis(config={"entrypoint": None, "cmd": None}), "deploy")
    assert [(f.rule, f.message) for f in report.findings] == [
        ("TP203", "the config has neither Entrypoint nor Cmd")
    ]
    report = check(clean_analysis(config={"entrypoint_exists": False}), "deploy")
    assert [(f.rule, f.path, f.message) for f in report.findings] == [
        ("TP203", "/app/server", "the entrypoint /app/server does not exist in the image")
    ]
    report = check(clean_analysis(config={"entrypoint_executable": False}), "deploy")
    assert triples(report) == [("TP204", "/app/server", 1)]
    assert report.findings[0].created_by == APP_LAYER
    # Unknown (None) is not a finding: the analysis could not tell.
    unknown = {"entrypoint_exists": None, "entrypoint_executable": None}
    assert check(clean_analysis(config=unknown), "deploy").findings == []


SECRETS = [
    SecretHit(kind="npm-token", description="npm access token", location="file",
              path="/root/.npmrc", layer=1, excerpt="//registry.npmjs.org/:_authToken=npm_****"),
    SecretHit(kind="aws-secret-key", description="AWS secret access key", location="env",
              path="AWS_SECRET_ACCESS_KEY", layer=None, excerpt="AWS_SECRET_ACCESS_KEY=****"),
]  # fmt: skip


@pytest.mark.parametrize("purpose", ["deploy", "ci", "local", "dev"])
def test_secrets_fail_every_purpose(purpose):
    tools = [hit("gcc", "compiler", "/usr/bin/gcc"), hit("gdb", "debugger", "/usr/bin/gdb")]
    analysis = clean_analysis(secrets=SECRETS)
    if purpose == "dev":
        analysis = clean_analysis(secrets=SECRETS, tool_hits=tools)
    report = check(analysis, purpose)
    assert report.fit is False
    assert triples(report) == [
        ("TP301", "/root/.npmrc", 1),
        ("TP302", "AWS_SECRET_ACCESS_KEY", None),
    ]
    assert report.findings[0].created_by == APP_LAYER
    assert report.findings[1].message == (
        "AWS secret access key (aws-secret-key) in Env AWS_SECRET_ACCESS_KEY: "
        "AWS_SECRET_ACCESS_KEY=****"
    )


def test_thresholds():
    hidden = HiddenBytes(
        total_bytes=5_000_000,
        files=[
            HiddenFile(path="/var/cache/apt/pkgcache.bin", size_bytes=4_000_000, layer=0,
                       hidden_by_layer=1, how="deleted"),
            HiddenFile(path="/tmp/x", size_bytes=1_000_000, layer=1, hidden_by_layer=1,
                       how="overwritten"),
        ],
    )  # fmt: skip
    analysis = clean_analysis(hidden=hidden)
    analysis.dive.efficiency = 0.5
    report = check(analysis, "ci", max_size="2.9MB", max_wasted="4MiB", max_layers=1)
    assert [(f.rule, f.path, f.layer, f.message) for f in report.findings] == [
        ("TP401", None, 1,
         "image size 3.0 MB (3000000 bytes) is over the limit 2.9 MB (2900000 bytes); "
         "the biggest layer is 1"),
        ("TP402", "/var/cache/apt/pkgcache.bin", 0,
         "5.0 MB (5000000 bytes) never reach the final file system, over the limit 4.2 MB "
         "(4194304 bytes); the largest is /var/cache/apt/pkgcache.bin (4.0 MB), written by "
         "layer 0 and deleted by layer 1"),
        ("TP403", None, None, "2 layers, over the limit of 1"),
    ]  # fmt: skip
    assert check(analysis, "ci", max_size="3MB", max_wasted=5_000_000, max_layers=2).fit
    deploy = check(analysis, "deploy")
    assert [(f.rule, f.severity, f.message) for f in deploy.findings] == [
        ("TP404", Severity.WARNING, "efficiency 0.5000 is below the minimum 0.9000")
    ]
    assert deploy.fit is True  # a warning does not fail by default
    assert check(analysis, "deploy", fail_on="warning").fit is False
    assert check(analysis, "deploy", min_efficiency=0.4).findings == []


def test_ignore_and_severity_override_from_config():
    config = {"deploy": {"ignore": ["TP109"], "severity": {"TP101": "warning"}}}
    settings = resolve("deploy", config, known_rules=policy_rule_ids())
    report = evaluate(clean_analysis(tool_hits=BUSYBOX_TOOLS), settings)
    # busybox's applets (sh, wget, vi) are one TP101 finding now warning; TP109 is not run.
    assert [(f.rule, f.severity) for f in report.findings] == [("TP101", Severity.WARNING)]
    assert "TP109" not in [r.rule for r in report.rules]


def test_a_users_own_category_falls_to_tp100():
    # replace = true: only this category is forbidden (lists add to the built-in ones otherwise)
    config = {"slim": {"extends": "deploy", "forbid": ["container-runtime"], "replace": True}}
    settings = resolve("slim", config)
    tools = [hit("runc", "container-runtime", "/usr/sbin/runc", 1), *BUSYBOX_TOOLS]
    report = evaluate(clean_analysis(tool_hits=tools), settings)
    assert triples(report) == [("TP100", "/usr/sbin/runc", 1)]
    assert report.purpose == "slim" and report.base_purpose == "deploy"


def test_every_policy_rule_is_listed_by_tailor_rules_with_docs():
    listed = {r.id: r for r in all_rules() if r.scope == "image"}
    assert set(listed) >= policy_rule_ids()
    for rule_id in policy_rule_ids():
        rule = listed[rule_id]
        assert rule.title and len(rule.explanation) > 60 and rule.fix


def test_rule_texts_have_no_brackets_rich_would_eat():
    # `tailor rules` prints the texts through rich markup, where "[word]" vanishes.
    for rule_id in policy_rule_ids():
        rule = next(r for r in all_rules() if r.id == rule_id)
        assert "[" not in rule.title + rule.explanation + rule.fix, rule_id


def test_allowed_fixture_secrets_are_info_and_keep_the_image_fit():
    fixture = SecretHit(
        kind="private-key",
        description="a private key (PEM)",
        location="file",
        path="/usr/local/go/src/crypto/tls/testdata/example-key.pem",
        layer=1,
        excerpt="-----BEGIN EC PRIVATE KEY-----****",
        allowed_by="testdata",
    )
    tools = [hit("gcc", "compiler", "/usr/bin/gcc"), hit("gdb", "debugger", "/usr/bin/gdb")]
    report = check(clean_analysis(secrets=[fixture], tool_hits=tools), "dev")
    assert report.fit is True
    assert [(f.rule, f.severity.value, f.path) for f in report.findings] == [
        ("TP303", "info", "/usr/local/go/src/crypto/tls/testdata/example-key.pem")
    ]
    assert "allowed as testdata" in report.findings[0].message
