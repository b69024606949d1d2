"""Rules on secrets (TP301-TP304): in files, in the config, known public test fixtures, and
files that are credentials by their name.
Every purpose is judged: no setting turns them off except `ignore`. The hits are the
analysis' (analysis/secrets.py, patterns in data/secrets.toml)."""

from __future__ import annotations

from imagetailor.analysis.model import Analysis
from imagetailor.policy.rulebase import Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity

TP301 = _rule(
    "TP301",
    Severity.ERROR,
    "Secret in a file of the image",
    "Anyone who can pull the image can read the secret, in every layer that ever held it, even "
    "if a later layer deletes it.",
    "Revoke the secret now. Then pass it at build time with RUN --mount=type=secret, and "
    "add the file to .dockerignore.",
)


def _file_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(f"{hit.description} ({hit.kind}): {hit.excerpt}", hit.path, hit.layer)
        for hit in analysis.secrets
        if hit.location == "file" and hit.allowed_by is None
    ]


TP303 = _rule(
    "TP303",
    Severity.INFO,
    "Known test-fixture secret",
    "A key or token in a path the secret catalogue lists as public test data (for example the "
    "test keys in Go's crypto/tls/testdata, which every Go toolchain image carries). It is not "
    "a leak, so it does not make an image unfit; it is shown so that nothing is skipped "
    "silently, and because a deploy image should carry no test data at all.",
    "Nothing to revoke. Keep test data out of deploy images (copy only the build output); if a "
    "path is wrongly allowed, override that allow entry in your own secrets.toml.",
)


def _fixture_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    return [
        Evidence(
            f"{hit.description} ({hit.kind}), allowed as {hit.allowed_by}: {hit.excerpt}",
            hit.path,
            hit.layer,
        )
        for hit in analysis.secrets
        if hit.location == "file" and hit.allowed_by is not None
    ]


TP302 = _rule(
    "TP302",
    Severity.ERROR,
    "Secret in the image config",
    "Env, labels and the build history are stored in clear text in the image config and shown "
    "by `docker inspect` and `docker history` to anyone who can pull the image.",
    "Revoke the secret; pass it at run time (env from the orchestrator's secret store) or at "
    "build time with RUN --mount=type=secret, never ARG or ENV.",
)


def _config_secrets(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    where = {"env": "Env", "label": "label", "history": "build history"}
    return [
        Evidence(
            f"{hit.description} ({hit.kind}) in {where.get(hit.location, hit.location)}"
            f"{' ' + hit.path if hit.path else ''}: {hit.excerpt}",
            hit.path,
            hit.layer,
        )
        for hit in analysis.secrets
        if hit.location != "file"
    ]


TP304 = _rule(
    "TP304",
    Severity.WARNING,
    "Sensitive file in the image",
    "A file whose name marks it as credentials or private settings (.env, id_rsa, "
    ".aws/credentials, .git-credentials, .netrc, .docker/config.json, .kube/config, key "
    "stores, shell histories: data/hygiene.toml) was copied into a layer. Its content matched "
    "no secret pattern, so it may hold none, but whoever pulls the image can read it, in the "
    "layer that added it even after a later layer deletes it. A file whose content is a "
    "secret is reported once, as TP301 (so a private key in *.pem, or an .npmrc with a token). "
    "A .git directory is TP108. An error in deploy and local, a warning for ci and dev.",
    "Add the file to .dockerignore and COPY only what the application needs; pass credentials "
    "at build time with RUN --mount=type=secret and settings at run time.",
)


def _sensitive_files(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    seen = {(hit.path, hit.layer) for hit in analysis.secrets if hit.location == "file"}
    found = []
    for item in analysis.hygiene.sensitive_files:
        if (item.path, item.layer) in seen:
            continue  # its content is a secret: TP301 (or TP303) says so, once
        message = f"{item.description} ({item.kind}): {item.path}, added by layer {item.layer}"
        if item.deleted_by_layer is not None:
            message += f"; layer {item.deleted_by_layer} deletes it, but its bytes still ship"
        found.append(Evidence(message, item.path, item.layer))
    return found


SECRET_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP301, lambda s: True, _file_secrets, ("CIS-DI-0010",)),
    PolicyRule(TP302, lambda s: True, _config_secrets, ("CIS-DI-0010",)),
    PolicyRule(TP303, lambda s: True, _fixture_secrets),
    PolicyRule(TP304, lambda s: True, _sensitive_files, ("CIS-DI-0010",)),
)
