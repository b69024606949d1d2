"""Our own deploy layout passes our own checks on real dependency trees: a dependency's public
test key under /opt/deps is an allowed fixture (TP303, info), not a secret (TP301)."""

from __future__ import annotations

from imagetailor.analysis import analyze
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, memory_image

# A throwaway RSA key in PEM form (made for this test, like tornado's own test.key).
TEST_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAu8l5b0Zo3m8s0b8x\n"
    "-----END PRIVATE KEY-----\n"
)


def rules(path: str) -> list[tuple[str, str]]:
    parts = path.split("/")
    dirs = [Dir("/".join(parts[:i])) for i in range(1, len(parts))]
    spec = ImageSpec([LayerSpec([*dirs, File(path, TEST_KEY)])], user="65532", cmd=["/x"])
    report = evaluate(analyze(memory_image(spec)), resolve("deploy"))
    return [(f.rule, f.severity.value) for f in report.findings if f.rule.startswith("TP30")]


def test_a_dependencys_test_key_in_opt_deps_is_an_allowed_fixture() -> None:
    assert rules("opt/deps/tornado/test/test.key") == [("TP303", "info")]
    assert rules("usr/lib/python3/dist-packages/tornado/test/test.key") == [("TP303", "info")]


def test_the_same_key_in_the_app_is_a_secret() -> None:
    assert rules("app/certs/server.key") == [("TP301", "error")]
