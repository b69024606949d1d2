"""TL112 (secrets in ARG/ENV) decides with the secret catalogue `tailor inspect` scans with:
same names, same value patterns, same user additions, and lint still starts without pydantic."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagetailor.analysis.secrets import SecretScanner
from imagetailor.lint import catalogue as lint_data
from imagetailor.lint.engine import lint_text

GITHUB = "ghp_" + "Zq8Lr2Vn6Xc1Bm5Kt9Hs3Jd7Fg4Wp0Ya2Ue6"  # classic PAT: 36 after the prefix
STRIPE = "sk_live_" + "Qm4Tz8Lw2Vr6Xn1Bk5Hc9Jd3F"  # 24 after the prefix

# (name, value, whether it carries a secret). Lines of the Dockerfile below are index + 2.
CASES = [
    ("GITHUB_TOKEN", "", True),  # the name alone: the value comes with --build-arg
    ("DATABASE_URL", "postgres://app:S3cr3tPassw0rd@db:5432/app", True),
    ("GH", GITHUB, True),
    ("GH_SHORT", GITHUB[:-5], False),  # 31 characters: not a GitHub token's shape
    ("STRIPE", STRIPE, True),
    ("STRIPE_SHORT", STRIPE[:-9], False),
    ("PEM_HEADER", "-----BEGIN RSA PRIVATE KEY", False),  # a header, no key
    ("PEM", "-----BEGIN RSA PRIVATE KEY-----MIIEowIBAAKCAQEAx4", True),
    ("AWS_ID", "AKIAQ7RZ4XK2M8VN3PLW", True),
    ("BASIC_AUTH", "x", True),
    ("TLS_CLIENT_KEY", "x", True),
    ("AUTHOR", "someone", False),
    ("OAUTHLIB_INSECURE_TRANSPORT", "1", False),
    ("DB_PASSWORD_FILE", "/run/secrets/db", False),  # points at the secret
    ("DATABASE_URL_REF", "postgres://app:${PW}@db/app", False),  # a reference, not the value
    ("DB_PASSWORD", "changeme", True),  # the name says so, whatever the value
]


def dockerfile() -> str:
    lines = ["FROM debian:12"]
    for name, value, _ in CASES:
        lines.append(f"ARG {name}" if not value else f'ENV {name}="{value}"')
    return "\n".join(lines) + "\n"


@pytest.fixture(autouse=True)
def fresh_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no user's own additions
    monkeypatch.delenv("TAILOR_SECRETS", raising=False)
    monkeypatch.delenv("TAILOR_LINT", raising=False)
    lint_data.lint_catalogue.cache_clear()
    yield
    lint_data.lint_catalogue.cache_clear()


def tl112_lines(text: str) -> list[int]:
    return [f.line for f in lint_text(text) if f.rule == "TL112"]


def test_exactly_the_real_secrets_are_reported() -> None:
    expected = [index + 2 for index, (_, _, secret) in enumerate(CASES) if secret]
    assert tl112_lines(dockerfile()) == expected == [2, 3, 4, 6, 9, 10, 11, 12, 17]


def test_lint_and_inspect_agree_on_every_case() -> None:
    scanner = SecretScanner()
    reported = set(tl112_lines(dockerfile()))
    for index, (name, value, _) in enumerate(CASES):
        pointer = name.upper().endswith(("_FILE", "_PATH", "_DIR"))
        by_inspect = (scanner.sensitive_env(name) and not pointer) or bool(
            value and scanner.looks_secret(f"{name}={value}")
        )
        assert (index + 2 in reported) == by_inspect, name


def test_a_pattern_added_for_inspect_is_seen_by_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "FROM debian:12\nENV ACME=acme_k7q2m9x4v8t1r5w3z6y0p2n4\nARG ACME_SEAL\n"
    assert tl112_lines(text) == []
    extra = tmp_path / "secrets.toml"
    extra.write_text(
        'sensitive_env_names = ["*_SEAL"]\n'
        "[[pattern]]\n"
        'id = "acme-key"\n'
        "regex = '''\\b(?P<secret>acme_[a-z0-9]{24})\\b'''\n"
    )
    monkeypatch.setenv("TAILOR_SECRETS", str(extra))
    lint_data.lint_catalogue.cache_clear()
    assert tl112_lines(text) == [2, 3]
    assert SecretScanner().looks_secret("ACME=acme_k7q2m9x4v8t1r5w3z6y0p2n4")


def test_lint_starts_without_pydantic_or_the_analysis_package(tmp_path: Path) -> None:
    target = tmp_path / "Dockerfile"
    target.write_text(dockerfile())
    probe = (
        "import sys\n"
        "from imagetailor.cli.main import main\n"
        f"code = main(['lint', '--format', 'json', {str(target)!r}])\n"
        "loaded = [m for m in sys.modules if m == 'pydantic' or m.startswith(("
        "'pydantic.', 'imagetailor.analysis'))]\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stderr.strip().splitlines()[-1] == "1 []"
