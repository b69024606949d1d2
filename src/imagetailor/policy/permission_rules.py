"""Rules on file permissions (TP7xx): setuid/setgid files, and paths in system directories any
user may write. The analysis finds both from the tar headers' modes (analysis/hygiene.py).

Each is an error in deploy (what production runs: a foothold there is the one that counts) and
a warning for the other purposes (data/policy.toml), where the base's own setuid helpers (su,
passwd, mount) are expected."""

from __future__ import annotations

from imagetailor.analysis.model import Analysis
from imagetailor.policy.rulebase import Evidence, PolicyRule
from imagetailor.policy.rulebase import image_rule as _rule
from imagetailor.policy.settings import PolicySettings
from imagetailor.rules import Severity

TP701 = _rule(
    "TP701",
    Severity.WARNING,
    "Image contains setuid or setgid files",
    "A setuid (setgid) program runs with the rights of its owner (group), whoever starts it: "
    "for root-owned ones, root. A flaw in one of them (su, passwd, mount, chsh, newgrp ship "
    "in every Debian base) lifts a process that broke in to root inside the container, a "
    "step closer to the host. The application rarely needs any. Each file is named with the "
    "package that installed it, where dpkg's or apk's file lists say. An error in deploy, a "
    "warning for the other purposes, where the base's own helpers are expected.",
    "Build the final stage on a base without them (distroless, scratch), or strip the bits "
    "in the final stage: RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +. Running "
    "with --security-opt no-new-privileges makes the bits powerless at run time.",
)


def _setid(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    hygiene = analysis.hygiene
    found = []
    for item in hygiene.setid_files:
        owner = "root" if item.uid == 0 else f"uid {item.uid}"
        if item.bits == ["setgid"]:
            owner = "group root" if item.gid == 0 else f"gid {item.gid}"
        package = f", from package {item.package}" if item.package else ""
        found.append(
            Evidence(
                f"{' and '.join(item.bits)} {owner}: {item.path} (mode {item.mode:04o}{package})",
                item.path,
                item.layer,
            )
        )
    unlisted = hygiene.setid_count - len(hygiene.setid_files)
    if unlisted > 0:
        found.append(Evidence(f"and {unlisted} more setuid/setgid file(s), not listed"))
    return found


TP702 = _rule(
    "TP702",
    Severity.WARNING,
    "World-writable path in a system directory",
    "A file or directory under /usr, /etc, /bin, /lib, /opt, /var, ... (data/hygiene.toml) "
    "that every user may write lets any process of the container, whatever its user, replace "
    "programs, libraries or settings that the others, root included, then run or read. "
    "Directories with the sticky bit (/tmp, /var/tmp: mode 1777) and what is below them are "
    "temporary space and are not reported. An error in deploy, a warning elsewhere.",
    "Drop the write bit for others where the image is built (chmod o-w PATH, or "
    "COPY --chmod=0755); give the application's user its own writable directory instead "
    "(chown app /data).",
)


def _world_writable(analysis: Analysis, settings: PolicySettings) -> list[Evidence]:
    hygiene = analysis.hygiene
    found = [
        Evidence(
            f"world-writable {'directory' if item.kind == 'dir' else 'file'} {item.path} "
            f"(mode {item.mode:04o})",
            item.path,
            item.layer,
        )
        for item in hygiene.world_writable
    ]
    unlisted = hygiene.world_writable_count - len(hygiene.world_writable)
    if unlisted > 0:
        found.append(Evidence(f"and {unlisted} more world-writable path(s), not listed"))
    return found


PERMISSION_RULES: tuple[PolicyRule, ...] = (
    PolicyRule(TP701, lambda s: True, _setid, ("CIS-DI-0008",)),
    PolicyRule(TP702, lambda s: True, _world_writable),
)
