"""The image-hygiene rules (TP207, TP208, TP304, TP405, TP701, TP702) on images written in
Python: exact findings, paths, layers, packages and bytes, graded per purpose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.hygiene import hygiene_catalogue
from imagetailor.analysis.model import Analysis
from imagetailor.policy.config_rules import base_tag
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from tests.imagefactory import (
    Dir,
    File,
    ImageSpec,
    LayerSpec,
    Symlink,
    Whiteout,
    memory_image,
)

HYGIENE = ("TP207", "TP208", "TP301", "TP304", "TP405", "TP701", "TP702")
OPENSSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"


@pytest.fixture(autouse=True)
def one_process(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[None]:
    monkeypatch.setenv("TAILOR_WORKERS", "1")  # the machine is shared: read in this process
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no user's own catalogue additions
    monkeypatch.delenv("TAILOR_HYGIENE", raising=False)
    hygiene_catalogue.cache_clear()
    yield
    hygiene_catalogue.cache_clear()


def debian_like() -> ImageSpec:
    """A merged-/usr base with dpkg file lists, an app layer that copies too much, and a layer
    that deletes a key (whose bytes still ship in the layer below)."""
    base = [
        Dir("usr"), Dir("usr/bin"), Symlink("bin", "usr/bin"), Dir("etc"),
        File("usr/bin/su", b"\x7fELF su", 0o4755),
        File("usr/bin/chage", b"\x7fELF chage", 0o2755, gid=42),
        File("usr/bin/ls", b"\x7fELF ls", 0o755),
        File("etc/app.conf", "x=1\n", 0o666),
        Dir("usr/local"), Dir("usr/local/share"), Dir("usr/local/share/w", 0o777),
        Dir("tmp", 0o1777), File("tmp/scratch", "t", 0o666),
        Dir("var"), Dir("var/tmp", 0o1777), Dir("var/tmp/build", 0o777),
        Dir("var/lib"), Dir("var/lib/dpkg"), Dir("var/lib/dpkg/info"),
        # dpkg lists /bin/su: the tree holds it at usr/bin/su behind the bin link.
        File("var/lib/dpkg/info/login.list", "/.\n/bin\n/bin/su\n"),
        File("var/lib/dpkg/info/passwd:amd64.list", "/.\n/usr/bin/chage\n"),
        Dir("var/lib/apt"), Dir("var/lib/apt/lists"), File("var/lib/apt/lists/lock", b""),
        File("var/lib/apt/lists/deb.debian.org_Packages", b"P" * 1000),
        Dir("var/cache"), Dir("var/cache/apt"), Dir("var/cache/apt/archives"),
        Dir("var/cache/apt/archives/partial"),
    ]  # fmt: skip
    app = [
        Dir("app"), File("app/server", b"\x7fELF server", 0o755),
        File("app/.env", "PORT=8080\n"), File("app/.env.example", "PORT=\n"),
        Dir("app/node_modules"), Dir("app/node_modules/dotenv"),
        File("app/node_modules/dotenv/.env", "FIXTURE=1\n"),
        Dir("root"), Dir("root/.ssh"), File("root/.ssh/id_rsa", "not even a key\n", 0o600),
        File("root/.ssh/id_ed25519", OPENSSH_KEY, 0o600),
        Dir("root/.cache"), Dir("root/.cache/pip"), Dir("root/.cache/pip/http"),
        File("root/.cache/pip/http/a.bin", b"w" * 500),
        Dir("root/.npm"), Dir("root/.npm/_cacache"), File("root/.npm/_cacache/index", b"n" * 200),
    ]  # fmt: skip
    return ImageSpec(
        layers=[
            LayerSpec(base, "ADD rootfs.tar / # buildkit"),
            LayerSpec(app, "COPY . / # buildkit"),
            LayerSpec([Whiteout("root/.ssh/id_rsa")], "RUN rm /root/.ssh/id_rsa # buildkit"),
        ],
        user="10001",
        entrypoint=["/app/server"],
        labels={"org.opencontainers.image.base.name": "docker.io/library/debian"},
    )


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TAILOR_WORKERS", "1")
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        patch.delenv("TAILOR_HYGIENE", raising=False)
        hygiene_catalogue.cache_clear()
        return analyze(memory_image(debian_like()))


def findings(analysis: Analysis, purpose: str) -> list[tuple[str, str, str | None, int | None]]:
    report = evaluate(analysis, resolve(purpose))
    return [
        (f.rule, f.severity.value, f.path, f.layer) for f in report.findings if f.rule in HYGIENE
    ]


def test_what_the_analysis_finds(analysis: Analysis) -> None:
    hygiene = analysis.hygiene
    assert [(s.path, s.bits, s.mode, s.gid, s.package) for s in hygiene.setid_files] == [
        ("/usr/bin/chage", ["setgid"], 0o2755, 42, "passwd"),
        ("/usr/bin/su", ["setuid"], 0o4755, 0, "login"),
    ]
    # Sticky /tmp and /var/tmp and what is below them are temporary space.
    assert [(w.path, w.kind, w.mode) for w in hygiene.world_writable] == [
        ("/etc/app.conf", "file", 0o666),
        ("/usr/local/share/w", "dir", 0o777),
    ]
    assert hygiene.setid_count == 2 and hygiene.world_writable_count == 2
    # .env.example is a template; node_modules' own .env is the package's test fixture.
    assert [(s.path, s.kind, s.layer, s.deleted_by_layer) for s in hygiene.sensitive_files] == [
        ("/app/.env", "dotenv", 1, None),
        ("/root/.ssh/id_ed25519", "ssh-private-key", 1, None),
        ("/root/.ssh/id_rsa", "ssh-private-key", 1, 2),
    ]
    # /var/cache/apt holds only empty folders: no cache. The lock file has no bytes.
    assert [(c.manager, c.path, c.size_bytes, c.file_count, c.layer) for c in hygiene.caches] == [
        ("pip", "/root/.cache/pip", 500, 1, 1),
        ("npm", "/root/.npm/_cacache", 200, 1, 1),
        ("apt", "/var/lib/apt/lists", 1000, 1, 0),
    ]


def test_deploy_findings_and_grades(analysis: Analysis) -> None:
    assert findings(analysis, "deploy") == [
        # The key whose content is a secret is TP301 alone; the others are sensitive by name.
        ("TP301", "error", "/root/.ssh/id_ed25519", 1),
        ("TP304", "error", "/app/.env", 1),
        ("TP304", "error", "/root/.ssh/id_rsa", 1),
        ("TP701", "error", "/usr/bin/chage", 0),
        ("TP701", "error", "/usr/bin/su", 0),
        ("TP702", "error", "/etc/app.conf", 0),
        ("TP702", "error", "/usr/local/share/w", 0),
        ("TP208", "warning", "org.opencontainers.image.base.name", None),
        ("TP405", "warning", "/root/.cache/pip", 1),
        ("TP405", "warning", "/root/.npm/_cacache", 1),
        ("TP405", "warning", "/var/lib/apt/lists", 0),
        ("TP207", "info", None, None),
    ]


def test_messages_name_package_mode_bytes_and_the_deleting_layer(analysis: Analysis) -> None:
    report = evaluate(analysis, resolve("deploy"))
    messages = {(f.rule, f.path): f.message for f in report.findings}
    assert messages["TP701", "/usr/bin/su"] == (
        "setuid root: /usr/bin/su (mode 4755, from package login)"
    )
    assert messages["TP701", "/usr/bin/chage"] == (
        "setgid gid 42: /usr/bin/chage (mode 2755, from package passwd)"
    )
    assert messages["TP702", "/usr/local/share/w"] == (
        "world-writable directory /usr/local/share/w (mode 0777)"
    )
    assert messages["TP304", "/root/.ssh/id_rsa"] == (
        "an SSH private key (ssh-private-key): /root/.ssh/id_rsa, added by layer 1; layer 2 "
        "deletes it, but its bytes still ship"
    )
    assert messages["TP405", "/var/lib/apt/lists"] == (
        "apt cache /var/lib/apt/lists holds 1.0 kB (1000 bytes) in 1 file(s)"
    )
    assert messages["TP208", "org.opencontainers.image.base.name"] == (
        "the base-image label says 'docker.io/library/debian': no tag (so latest)"
    )
    created_by = {(f.rule, f.path): f.created_by for f in report.findings}
    assert created_by["TP304", "/app/.env"] == "COPY . / # buildkit"


def test_other_purposes_say_permissions_as_warnings(analysis: Analysis) -> None:
    local = findings(analysis, "local")
    assert ("TP304", "error", "/app/.env", 1) in local  # credentials stay an error in local
    assert ("TP701", "warning", "/usr/bin/su", 0) in local
    assert ("TP702", "warning", "/etc/app.conf", 0) in local
    assert not any(rule == "TP207" for rule, *_ in local)  # run by hand: no HEALTHCHECK asked
    for purpose in ("ci", "dev"):
        graded = {(rule, severity) for rule, severity, _, _ in findings(analysis, purpose)}
        assert graded == {
            ("TP301", "error"),
            ("TP304", "warning"),
            ("TP701", "warning"),
            ("TP702", "warning"),
            ("TP208", "warning"),
            ("TP405", "warning"),
        }


def plain(**changes: object) -> Analysis:
    spec = ImageSpec(
        layers=[LayerSpec([Dir("app"), File("app/server", b"\x7fELF", 0o755)])],
        user="10001",
        entrypoint=["/app/server"],
    )
    for key, value in changes.items():
        setattr(spec, key, value)
    return analyze(memory_image(spec))


def test_a_healthcheck_or_healthcheck_none_is_not_reported() -> None:
    assert findings(plain(), "deploy") == [("TP207", "info", None, None)]
    assert evaluate(plain(), resolve("deploy")).fit is True  # information, never a failure
    assert findings(plain(healthcheck=["CMD", "/app/server", "health"]), "deploy") == []
    assert findings(plain(healthcheck=["NONE"]), "deploy") == []


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("docker.io/library/python:3.12-slim", "3.12-slim"),
        ("python:latest", "latest"),
        ("python", ""),
        ("localhost:5000/team/app", ""),  # a registry's port is not a tag
        ("localhost:5000/team/app:1.4", "1.4"),
        ("python@sha256:" + "a" * 64, None),  # pinned by digest
        ("python:latest@sha256:" + "a" * 64, None),
    ],
)
def test_base_tag(name: str, tag: str | None) -> None:
    assert base_tag(name) == tag


def test_base_label_with_a_version_or_digest_passes() -> None:
    label = "org.opencontainers.image.base.name"
    assert findings(plain(labels={label: "python:3.12.7-slim"}), "ci") == []
    assert findings(plain(labels={label: "python:latest"}), "ci") == [
        ("TP208", "warning", label, None)
    ]


def test_apk_database_names_the_owner() -> None:
    db = "C:Q1x=\nP:busybox\nV:1.36.1-r29\nF:bin\nR:busybox\n\nP:musl\nV:1.2.5-r0\nF:lib\nR:ld.so\n"
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    Dir("bin"),
                    File("bin/busybox", b"\x7fELF", 0o4755),
                    Dir("lib"),
                    Dir("lib/apk"),
                    Dir("lib/apk/db"),
                    File("lib/apk/db/installed", db),
                    Dir("var"),
                    Dir("var/cache"),
                    Dir("var/cache/apk"),
                    File("var/cache/apk/APKINDEX.tar.gz", b"i" * 64),
                ]
            )
        ],
        user="10001",
        entrypoint=["/bin/busybox"],
    )
    hygiene = analyze(memory_image(spec)).hygiene
    assert [(s.path, s.package) for s in hygiene.setid_files] == [("/bin/busybox", "busybox")]
    assert [(c.manager, c.path, c.size_bytes) for c in hygiene.caches] == [
        ("apk", "/var/cache/apk", 64)
    ]


def test_users_extend_the_catalogue(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "hygiene.toml"
    extra.write_text(
        '[[sensitive]]\nid = "vault-token"\ndescription = "a Vault token"\n'
        'names = [".vault-token"]\n'
        '[[cache]]\nid = "pip"\npaths = ["/opt/pip-cache"]\n'  # replaces our pip entry
    )
    monkeypatch.setenv("TAILOR_HYGIENE", str(extra))
    hygiene_catalogue.cache_clear()
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    Dir("root"),
                    File("root/.vault-token", "s.abc"),
                    Dir("root/.cache"),
                    Dir("root/.cache/pip"),
                    File("root/.cache/pip/x", b"1"),
                    Dir("opt"),
                    Dir("opt/pip-cache"),
                    File("opt/pip-cache/y", b"22"),
                ]
            )
        ]
    )
    hygiene = analyze(memory_image(spec)).hygiene
    assert [(s.path, s.kind) for s in hygiene.sensitive_files] == [
        ("/root/.vault-token", "vault-token")
    ]
    assert [(c.manager, c.path, c.size_bytes) for c in hygiene.caches] == [
        ("pip", "/opt/pip-cache", 2)
    ]


def test_an_empty_dotenv_holds_no_credential() -> None:
    """Symfony's Dotenv needs .env to exist: the generated build leaves an empty one."""
    spec = ImageSpec(
        layers=[
            LayerSpec([Dir("app"), File("app/.env", ""), Dir("srv"), File("srv/.env", "KEY=v\n")])
        ],
        user="10001",
        entrypoint=["/app/run"],
    )
    hygiene = analyze(memory_image(spec)).hygiene
    assert [s.path for s in hygiene.sensitive_files] == ["/srv/.env"]
