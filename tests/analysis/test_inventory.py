"""Tools, packages and secrets found in images written byte by byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.model import Analysis
from tests.imagefactory import (
    Dir,
    File,
    Hardlink,
    ImageSpec,
    LayerSpec,
    Symlink,
    Whiteout,
    memory_image,
)

DPKG_STATUS = """\
Package: bash
Status: install ok installed
Version: 5.2.15-2+b2

Package: gcc-12
Status: install ok installed
Version: 12.2.0-14

Package: curl
Status: deinstall ok config-files
Version: 7.88.1-10

Package: libc6
Status: install ok installed
Version: 2.36-9

Package: gcc-12-base
Status: install ok installed
Version: 12.2.0-14
"""

APK_INSTALLED = """\
C:Q1abc=
P:musl
V:1.2.4-r2

C:Q1def=
P:strace
V:6.6-r0
"""

AWS_KEY_ID = "AKIA" + "Q3EGRIXA7EXAMPLE"
PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
NPMRC = "//registry.npmjs.org/:_authToken=npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + "\n"
GITHUB = "ghp_" + "Zq8Lr2Vn6Xc1Bm5Kt9Hs3Jd7Fg4Wp0Ya2Ue6"


def tools_spec() -> ImageSpec:
    return ImageSpec(
        layers=[
            LayerSpec(
                [
                    File("bin/busybox", b"\x7fELF" + b"\0" * 100, mode=0o755),
                    Symlink("bin/sh", "busybox"),
                    Hardlink("bin/wget", "bin/busybox"),
                    Symlink("bin/dangling-curl", "nowhere"),
                    File("usr/bin/gcc-12", b"\x7fELF", mode=0o755),
                    Symlink("usr/bin/gcc", "gcc-12"),
                    Symlink("usr/bin/curl", "/nonexistent/curl"),  # dangling: not a tool
                    File("usr/local/go/bin/go", b"\x7fELF", mode=0o755),
                    File("opt/tools/bin/promtool", b"\x7fELF", mode=0o755),
                    File("usr/share/doc/vim/README", b"docs are not tools"),
                    File("var/lib/dpkg/status", DPKG_STATUS),
                    File("lib/apk/db/installed", APK_INSTALLED),
                    Dir("srv/app/.git"),
                    File("srv/app/.git/HEAD", b"ref: refs/heads/main\n"),
                    Dir("usr/lib/python3/dist-packages/pytest-8.1.1.dist-info"),
                    Dir("usr/local/lib/python3.11/site-packages/Coverage-7.4.0.dist-info"),
                    Dir("app/node_modules/jest"),
                    File(
                        "app/node_modules/jest/package.json", b'{"name":"jest","version":"29.7.0"}'
                    ),
                    Dir("app/node_modules/@types/node"),
                ]
            ),
            LayerSpec([Whiteout("opt/tools/bin/promtool"), File("usr/bin/strace", b"x", 0o755)]),
        ],
        env=["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin"],
    )


@pytest.fixture(scope="module")
def tools() -> Analysis:
    return analyze(memory_image(tools_spec()))


def test_executables_busybox_applets_and_directories(tools: Analysis) -> None:
    assert tools.tools["shell"] == ["/bin/busybox", "/bin/sh", "pkg:bash"]
    assert tools.tools["network"] == ["/bin/wget"]  # dangling curl links do not count
    assert tools.tools["compiler"] == ["/usr/bin/gcc", "/usr/bin/gcc-12", "/usr/local/go/bin/go"]
    assert tools.tools["vcs"] == ["/srv/app/.git"]
    assert tools.tools["debugger"] == ["/usr/bin/strace"]  # the apk entry adds nothing new
    assert "monitoring" not in tools.tools  # promtool was deleted by layer 1
    hits = {(h.name, h.path): h for h in tools.tool_hits}
    assert hits[("sh", "/bin/sh")].evidence == "busybox-applet"
    assert hits[("wget", "/bin/wget")].evidence == "busybox-applet"
    assert hits[("busybox", "/bin/busybox")].evidence == "file"
    assert hits[("strace", "/usr/bin/strace")].layer == 1


def test_python_and_npm_packages(tools: Analysis) -> None:
    assert tools.tools["test"] == [
        "/app/node_modules/jest",
        "/usr/lib/python3/dist-packages/pytest-8.1.1.dist-info",
    ]
    assert tools.tools["coverage"] == [
        "/usr/local/lib/python3.11/site-packages/Coverage-7.4.0.dist-info"
    ]


def test_package_databases(tools: Analysis) -> None:
    found = {(p.manager, p.name, p.version) for p in tools.packages}
    assert found == {
        ("dpkg", "bash", "5.2.15-2+b2"),
        ("dpkg", "gcc-12", "12.2.0-14"),
        ("dpkg", "libc6", "2.36-9"),
        ("dpkg", "gcc-12-base", "12.2.0-14"),
        ("apk", "musl", "1.2.4-r2"),
        ("apk", "strace", "6.6-r0"),
        ("python", "pytest", "8.1.1"),
        ("python", "Coverage", "7.4.0"),
        ("npm", "jest", "29.7.0"),
    }
    package_hits = {(h.name, h.category) for h in tools.tool_hits if h.evidence == "package"}
    assert ("gcc-12", "compiler") in package_hits and ("bash", "shell") in package_hits
    # gcc-12-base is the runtime support every Debian image has, not a compiler
    assert not any(h.name == "gcc-12-base" for h in tools.tool_hits)


def test_distroless_status_d() -> None:
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    File(
                        "var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4\n"
                    ),
                    File(
                        "var/lib/dpkg/status.d/python3", "Package: python3.11\nVersion: 3.11.2-6\n"
                    ),
                ]
            )
        ]
    )
    result = analyze(memory_image(spec))
    assert {(p.name, p.version) for p in result.packages} == {
        ("base-files", "12.4"),
        ("python3.11", "3.11.2-6"),
    }
    assert result.tools == {"runtime": ["pkg:python3.11"]}


def test_user_catalogue_extends_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "tools.toml"
    extra.write_text(
        '[categories.monitoring]\nexecutables = ["my-agent"]\n[categories.custom]\n'
        'executables = ["frobnicate"]\n'
    )
    monkeypatch.setenv("TAILOR_TOOLS", str(extra))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.config/imagetailor of the machine's user
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    File("usr/bin/my-agent", b"x", 0o755),
                    File("usr/bin/frobnicate", b"x", 0o755),
                    File("usr/bin/telegraf", b"x", 0o755),
                ]
            )
        ]
    )
    result = analyze(memory_image(spec))
    assert result.tools["monitoring"] == ["/usr/bin/my-agent", "/usr/bin/telegraf"]
    assert result.tools["custom"] == ["/usr/bin/frobnicate"]


def secrets_spec() -> ImageSpec:
    return ImageSpec(
        layers=[
            LayerSpec(
                [
                    File("root/.ssh/id_ed25519", PEM),
                    File("home/app/.npmrc", NPMRC),
                    File(
                        "home/app/.aws/credentials",
                        f"[default]\naws_access_key_id = {AWS_KEY_ID}\n"
                        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                    ),
                    File(
                        "srv/.env",
                        "DATABASE_URL=postgres://app:S3cr3tPassw0rd@db:5432/app\n"
                        "DEBUG=true\nAPI_TOKEN=${API_TOKEN}\n",
                    ),
                    File(
                        "home/app/.pypirc",
                        "[pypi]\nusername = __token__\npassword = hunter2hunter2\n",
                    ),
                    File("etc/readme.txt", f"{GITHUB} is not read: not a candidate"),
                    File(
                        "etc/app/settings.env", "password=changeme\n"
                    ),  # too simple: a placeholder
                ],
                created_by="COPY . /",
            ),
            # Deleting the key later does not take it out of the image.
            LayerSpec([Whiteout("root/.ssh/id_ed25519")], created_by="RUN rm key"),
            LayerSpec([File("x", b"1")], created_by=f"RUN GITHUB_TOKEN={GITHUB} ./fetch"),
        ],
        env=[
            "PATH=/usr/bin:/bin",
            f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}",
            "DB_PASSWORD=whatever1",
            "APP_ENV=production",
        ],
        labels={"ci.token": "glpat-" + "aB3dE5gH7jK9mN1pQ3sT"},
    )


@pytest.fixture(scope="module")
def secrets() -> Analysis:
    return analyze(memory_image(secrets_spec()))


def test_secrets_in_files_env_labels_and_history(secrets: Analysis) -> None:
    found = {(s.kind, s.location, s.path, s.layer) for s in secrets.secrets}
    assert found == {
        ("private-key", "file", "/root/.ssh/id_ed25519", 0),
        ("npm-token", "file", "/home/app/.npmrc", 0),
        ("aws-access-key-id", "file", "/home/app/.aws/credentials", 0),
        ("aws-secret-access-key", "file", "/home/app/.aws/credentials", 0),
        ("url-credentials", "file", "/srv/.env", 0),
        ("pypirc-password", "file", "/home/app/.pypirc", 0),
        ("aws-access-key-id", "env", "AWS_ACCESS_KEY_ID", None),
        ("generic-password", "env", "DB_PASSWORD", None),
        ("gitlab-token", "label", "ci.token", None),
        ("github-token", "history", None, 2),
    }


def test_excerpts_never_carry_the_secret(secrets: Analysis) -> None:
    dumped = secrets.model_dump_json()
    for secret in (
        AWS_KEY_ID,
        "wJalrXUtnFEMI/K7MDENG",
        "S3cr3tPassw0rd",
        GITHUB,
        "hunter2hunter2",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
        "a1B2c3D4e5F6g7H8i9J0",
        "aB3dE5gH7jK9mN1pQ3sT",
        "whatever1",
    ):
        assert secret not in dumped
    excerpts = {s.kind: s.excerpt for s in secrets.secrets if s.location == "file"}
    assert excerpts["private-key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert excerpts["aws-access-key-id"].startswith("AKIA****")


def test_config_summary_redacts_secret_env_values(secrets: Analysis) -> None:
    env = secrets.config.env
    assert env["DB_PASSWORD"] == "***"
    assert env["AWS_ACCESS_KEY_ID"] == "***"
    assert env["APP_ENV"] == "production"
    assert secrets.config.env_names == ["PATH", "AWS_ACCESS_KEY_ID", "DB_PASSWORD", "APP_ENV"]
    assert secrets.config.labels == {"ci.token": "***"}


TEST_KEY = (
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIDRiRS7gxX4k2QuP1h0s8Y\n-----END EC PRIVATE KEY-----\n"
)


def test_fixture_keys_are_reported_as_allowed_and_leaks_are_not() -> None:
    analysis = analyze(
        memory_image(
            ImageSpec(
                [
                    LayerSpec(
                        [
                            File(
                                "usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem",
                                TEST_KEY,
                            ),
                            File("usr/local/go/src/net/http/internal/testcert/key.pem", TEST_KEY),
                            File("app/testdata/client.key", TEST_KEY),
                            File("usr/lib/node_modules/ws/test/fixtures/key.pem", TEST_KEY),
                            File("app/server.key", TEST_KEY),
                            File("app/test-tls/server.pem", TEST_KEY),
                        ]
                    )
                ]
            )
        )
    )
    allowed = {(s.path, s.allowed_by) for s in analysis.secrets}
    assert allowed == {
        ("/usr/share/go-1.19/src/crypto/tls/testdata/example-key.pem", "testdata"),
        ("/usr/local/go/src/net/http/internal/testcert/key.pem", "go-source"),
        ("/app/testdata/client.key", "testdata"),
        ("/usr/lib/node_modules/ws/test/fixtures/key.pem", "package-tests"),
        ("/app/server.key", None),
        ("/app/test-tls/server.pem", None),
    }


def test_a_user_catalogue_can_switch_an_allowance_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "secrets.toml"
    extra.write_text('[[allow]]\nid = "testdata"\npaths = []\n')
    monkeypatch.setenv("TAILOR_SECRETS", str(extra))
    image = memory_image(ImageSpec([LayerSpec([File("app/testdata/client.key", TEST_KEY)])]))
    [hit] = analyze(image).secrets
    assert hit.allowed_by is None


GITHUB_IN_SOURCE = "ghp_" + "Zq8Vb2Nw4Lx6Tr1Ys3Pk5Hm7Jd9Fc0Ga2Ue4"  # 36 after the prefix


def test_app_source_files_are_scanned_with_unmistakable_patterns_only() -> None:
    token_js = f"module.exports = {{ token: '{GITHUB_IN_SOURCE}' }};\n"
    analysis = analyze(
        memory_image(
            ImageSpec(
                [
                    LayerSpec(
                        [
                            File("app/config.js", token_js),
                            File("srv/api/settings.py", f"TOKEN = '{GITHUB_IN_SOURCE}'\n"),
                            File("app/db.py", "DB_PASSWORD = 'S3cr3tPassw0rd99'\n"),
                            File("app/node_modules/lib/index.js", token_js),
                            File("usr/lib/python3/dist-packages/x/conf.py", token_js),
                            File("app/README.md", token_js),
                        ]
                    )
                ]
            )
        )
    )
    assert sorted((s.path, s.kind) for s in analysis.secrets) == [
        ("/app/config.js", "github-token"),
        ("/srv/api/settings.py", "github-token"),
    ]


def test_composer_packages_in_both_formats() -> None:
    """Composer 2's installed.json ({"packages": [...]}) and Composer 1's (a list); a wrong
    shape or bad JSON yields nothing, never an error."""
    v2 = (
        '{"packages": [{"name": "slim/slim", "version": "4.14.0"}, {"name": "psr/log"}], '
        '"dev": false}'
    )
    v1 = '[{"name": "monolog/monolog", "version": "1.27.1"}, {"version": "no name"}]'
    spec = ImageSpec(
        [
            LayerSpec([Dir("app"), Dir("app/vendor"), Dir("app/vendor/composer"),
                       File("app/vendor/composer/installed.json", v2)]),
            LayerSpec([Dir("old"), Dir("old/vendor"), Dir("old/vendor/composer"),
                       File("old/vendor/composer/installed.json", v1),
                       Dir("bad"), Dir("bad/vendor"), Dir("bad/vendor/composer"),
                       File("bad/vendor/composer/installed.json", '{"packages": 3')]),
        ]
    )  # fmt: skip
    found = [(p.manager, p.name, p.version, p.layer) for p in analyze(memory_image(spec)).packages]
    assert [f for f in found if f[0] == "composer"] == [
        ("composer", "monolog/monolog", "1.27.1", 1),
        ("composer", "psr/log", "", 0),
        ("composer", "slim/slim", "4.14.0", 0),
    ]
