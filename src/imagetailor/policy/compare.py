"""`tailor check IMAGE --purpose P --compare OTHER`: prove IMAGE is OTHER plus what P allows.

local against deploy (TP601-TP604): the local image is the deploy image plus the visibility
tools local's policy allows (its `allow` list) and nothing else: every file of deploy is there
unchanged (outside package-manager bookkeeping, data/compare.toml), no application file is added,
every package of deploy keeps its version, and entrypoint, cmd, user and workdir are the same.

ci against its build stage (TP602, TP604): tests must run against what the build made: every
package of the build stage is in ci at the same version, and every file of the build stage's
workdir that ci also has is the same (build outputs ci lacks are not findings, and ci's own
tools are its purpose). Other purposes have nothing to be compared with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from imagetailor.analysis.model import Analysis
from imagetailor.diff.model import ImageDiff
from imagetailor.errors import UsageError
from imagetailor.policy.evaluate import rule_findings, summarise
from imagetailor.policy.findings import CheckReport, RuleOutcome
from imagetailor.policy.rulebase import Evidence, image_rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Rule, Severity, register

TP601 = image_rule(
    "TP601",
    Severity.ERROR,
    "The image adds a tool its purpose does not allow over the compared image",
    "A local image should be the deploy image plus a little visibility (a shell, curl, wget, "
    "dig): then what works locally works in production. A tool beyond the purpose's allow list "
    "(a compiler, a package manager, a debugger) means local is no longer deploy plus "
    "visibility, and bugs found or missed with it do not carry over.",
    "Drop the tool from the local stage, or add it to the allow list of policy.local in "
    "tailor.toml if it is a visibility tool you want.",
)
TP602 = image_rule(
    "TP602",
    Severity.ERROR,
    "The image changes files of the compared image",
    "A file of the compared image is missing, or differs in content, size, mode or owner, or "
    "the image adds application files (outside the system folders of data/compare.toml, or "
    "below the compared image's WORKDIR): the application that runs is not the one that was "
    "compared. Package-manager bookkeeping (its database, caches, logs) is not counted.",
    "Build the image FROM the compared stage and add only tools (e.g. `FROM deploy AS local` "
    "then `COPY --from=local-tools /out/ /`); do not COPY the application again.",
)
TP603 = image_rule(
    "TP603",
    Severity.ERROR,
    "The image starts differently from the compared image",
    "Entrypoint, cmd, user or workdir differ from the compared image's, so the process that "
    "runs is not the same one: a local image running as root hides the permission errors "
    "deploy will meet.",
    "Do not set ENTRYPOINT, CMD, USER or WORKDIR in the local stage; it inherits deploy's.",
)
TP604 = image_rule(
    "TP604",
    Severity.ERROR,
    "The image changes the compared image's packages",
    "A package of the compared image is missing or has another version: the libraries the "
    "application runs on are not the ones it was compared with (an upgrade pulled in by a "
    "tool's install, a different base).",
    "Install tools without upgrading what is there (apt-get install --no-upgrade, or copy the "
    "tools from a separate stage), and build from the same base digest.",
)
COMPARE_RULES: tuple[Rule, ...] = (TP601, TP602, TP603, TP604)
register(*COMPARE_RULES)

# Which rules judge which purpose, against what (the purposes a spec adds use their base's).
RULES_BY_PURPOSE = {
    "local": (TP601, TP602, TP603, TP604),
    "ci": (TP602, TP604),
}
START_FIELDS = ("entrypoint", "cmd", "user", "workdir")


@dataclass(frozen=True)
class CompareData:
    bookkeeping: tuple[str, ...]
    system: tuple[str, ...]


@cache
def compare_data() -> CompareData:
    import tomllib

    text = resources.files("imagetailor.data").joinpath("compare.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return CompareData(tuple(data["bookkeeping"]), tuple(data["system"]))


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in prefixes)


def compared_as(settings: PolicySettings) -> str:
    """local or ci: a built-in purpose is itself (local `extends` deploy for its settings, but is
    compared as local); a purpose of the spec's is compared as the built-in one it extends."""
    return settings.purpose if settings.purpose in RULES_BY_PURPOSE else settings.base


def comparable(settings: PolicySettings) -> None:
    base_purpose = compared_as(settings)
    if base_purpose not in RULES_BY_PURPOSE:
        raise UsageError(
            f"--compare applies to local (against deploy) and ci (against its build stage), "
            f"not to {base_purpose}"
        )


def compare_evidence(
    rule: Rule, diff: ImageDiff, image: Analysis, compared: Analysis, settings: PolicySettings
) -> list[Evidence]:
    """``diff`` goes from the compared image (a) to the image judged (b)."""
    data = compare_data()
    ci = compared_as(settings) == "ci"
    workdir = compared.config.workdir
    app_dir = workdir.rstrip("/") + "/" if workdir and workdir.strip("/") else None
    found: list[Evidence] = []
    if rule is TP601:
        layer_of = {(h.category, h.name): h.layer for h in image.tool_hits}
        for category, names in diff.tools.added.items():
            for name in names:
                if not settings.allows(name, category):
                    found.append(
                        Evidence(
                            f"{name} ({category}) is not in the compared image nor in "
                            f"{settings.purpose}'s allow list",
                            name,
                            layer_of.get((category, name)),
                        )
                    )
    elif rule is TP602:
        for change in diff.files.modified:
            if _under(change.path, data.bookkeeping) or (
                ci and (app_dir is None or not change.path.startswith(app_dir))
            ):
                continue
            found.append(
                Evidence(
                    f"{change.path} differs from the compared image's "
                    f"({', '.join(change.changes)})",
                    change.path,
                    change.b.layer,
                )
            )
        if not ci:
            for entry in diff.files.removed:
                if not _under(entry.path, data.bookkeeping):
                    found.append(Evidence(f"{entry.path} of the compared image is missing",
                                          entry.path))  # fmt: skip
            for entry in diff.files.added:
                in_app = app_dir is not None and entry.path.startswith(app_dir)
                if in_app or not _under(entry.path, data.system):
                    found.append(
                        Evidence(
                            f"{entry.path} is an application file the compared image lacks",
                            entry.path,
                            entry.layer,
                        )
                    )
    elif rule is TP603:
        for setting in diff.config.changed:
            if setting.field in START_FIELDS:
                found.append(
                    Evidence(
                        f"{setting.field} is {setting.b!r}, the compared image's {setting.a!r}",
                        setting.field,
                    )
                )
    elif rule is TP604:
        for package in diff.packages.removed:
            found.append(
                Evidence(
                    f"{package.name} {package.version} ({package.manager}) of the compared "
                    "image is missing",
                    package.name,
                )
            )
        for changed in diff.packages.changed:
            found.append(
                Evidence(
                    f"{changed.name} ({changed.manager}) is {changed.version_b}, the compared "
                    f"image's {changed.version_a}",
                    changed.name,
                )
            )
    return found


def add_comparison(
    report: CheckReport,
    diff: ImageDiff,
    image: Analysis,
    compared: Analysis,
    settings: PolicySettings,
) -> CheckReport:
    """``report`` with the comparison's rules evaluated too (its verdict and summary redone)."""
    created_by = {layer.index: layer.created_by for layer in image.layers}
    findings = list(report.findings)
    rules = list(report.rules)
    for rule in RULES_BY_PURPOSE.get(compared_as(settings), ()):
        if rule.id in settings.ignore:
            continue
        severity = settings.severity.get(rule.id, rule.severity)
        evidence = compare_evidence(rule, diff, image, compared, settings)
        rules.append(
            RuleOutcome(rule=rule.id, severity=severity, title=rule.title, findings=len(evidence))
        )
        findings.extend(rule_findings(rule, severity, evidence, created_by))
    summary, fit = summarise(findings, settings.fail_on)
    return report.model_copy(
        update={"findings": findings, "rules": rules, "summary": summary, "fit": fit}
    )
