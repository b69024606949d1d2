"""The pre-check before the candidate-file regexes never changes which files are read."""

from __future__ import annotations

import dataclasses

import pytest

from imagetailor.analysis.candidates import SecretCandidates
from imagetailor.analysis.catalog import _globs, secret_catalogue

PATHS = [
    "a.pem",
    "x/.aws/credentials",
    "id_rsa.pub",
    "home/u/.ssh/known_hosts",
    "etc/ssl/private/k",
    "foo.json",
    "my-credentials-1.json",
    "svc-sa.json",
    ".env.prod",
    "prod.env",
    "etc/passwd",
    "x/.kube/config",
    "x/.docker/config.json",
    "settings.xml",
    "a/application.yml",
    "credentials",
    "client_secret_x.json",
    "x.tfvars",
    "id_ed25519",
    "data/part1/d07/f01234.dat",
    "app/.npmrc",
    "srv/keys/k7.pem.bak",
    "opt/app/config.ini",
    "usr/bin/secret-tool",
]


def _expected(candidates: SecretCandidates, path: str) -> bool:
    """What the glob regexes alone say (no pre-check)."""
    base = path.rsplit("/", 1)[-1]
    names, paths = candidates._names, candidates._paths
    return bool((names and names.match(base)) or (paths and paths.match("/" + path)))


@pytest.mark.parametrize(
    ("files", "paths"),
    [
        (None, None),  # the bundled catalogue
        (["*secret*", "k[0-9].pem", "config.ini"], ["*/keys/*", "*"]),  # no literal, classes
        (["?d_rsa", "*.ini"], ["opt/*/config.*"]),
    ],
)
def test_precheck_agrees_with_the_regexes(files: list[str] | None, paths: list[str] | None) -> None:
    catalogue = secret_catalogue()
    if files is not None and paths is not None:
        catalogue = dataclasses.replace(
            catalogue,
            candidate_files=_globs(files),
            candidate_paths=_globs(paths),
            candidate_file_globs=files,
            candidate_path_globs=paths,
        )
    candidates = SecretCandidates(catalogue)
    wanted = {path for path in PATHS if candidates.wants(path)}
    assert wanted == {path for path in PATHS if _expected(candidates, path)}
    assert wanted  # every catalogue above selects something from PATHS


def test_a_catalogue_without_its_glob_strings_is_matched_by_regex_alone() -> None:
    catalogue = dataclasses.replace(
        secret_catalogue(), candidate_file_globs=[], candidate_path_globs=[]
    )
    candidates = SecretCandidates(catalogue)
    assert {p for p in PATHS if candidates.wants(p)} == {
        p for p in PATHS if _expected(candidates, p)
    }
