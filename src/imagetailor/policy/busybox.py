"""busybox judged as one tool: its applet links are what it can do, not tools of their own.

A busybox image links dozens of names (sh, vi, wget, nc, dpkg, rpm, telnet, ...) to one
binary. Judging each link as a shell, editor, network tool or package manager gives a finding
per link and makes a busybox-based local image unfit for local, whose policy allows a shell and
what that shell's binary brings. So the category rules skip applet links, and the shell rule
(TP101) reports busybox once, with its applets listed.
"""

from __future__ import annotations

from imagetailor.analysis.model import Analysis, ToolHit
from imagetailor.policy.rulebase import Evidence
from imagetailor.policy.settings import PolicySettings

APPLET = "busybox-applet"
_SHOWN = 12  # applets named in a finding; the rest are counted


def applets(analysis: Analysis) -> list[ToolHit]:
    return sorted(
        (h for h in analysis.tool_hits if h.evidence == APPLET), key=lambda h: h.path or h.name
    )


def busybox_evidence(analysis: Analysis, settings: PolicySettings) -> Evidence | None:
    """One finding for busybox and all its applet links, where the purpose forbids a shell."""
    links = applets(analysis)
    if not links or not settings.forbids("shell") or settings.allows("busybox", "shell"):
        return None
    binary = next(
        (h for h in analysis.tool_hits if h.name == "busybox" and h.evidence != APPLET), None
    )
    names = [f"{h.name} ({h.category})" for h in links[:_SHOWN]]
    more = f" and {len(links) - _SHOWN} more" if len(links) > _SHOWN else ""
    listed = f"{len(links)} applet link(s): {', '.join(names)}{more}"
    must_not = f"a {settings.purpose} image must not carry it"
    if binary is not None and binary.path:
        where = binary
        message = f"busybox at {binary.path} with {listed}; {must_not}"
    else:  # the binary sits outside the directories searched: the links still say it is there
        where = links[0]
        message = f"busybox {listed}, the first at {where.path}; {must_not}"
    return Evidence(message, where.path, where.layer)
