"""One rule in full for `tailor rules ID`: what, why, the fix, an example, the hadolint ids
(lint rules) or the dockle checkpoints (image rules) it covers.

Plain text wrapped to the width it is given, so it reads the same in a terminal, a pipe and a
file, at 80 columns as at 200.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from imagetailor.rules import Example, Rule

_SCOPES = {"image": "tailor check", "dockerfile": "tailor lint"}


@dataclass(frozen=True)
class RuleView:
    rule: Rule
    hadolint: tuple[str, ...] = ()
    enabled: bool = True
    example: Example | None = None
    dockle: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.rule.id,
            "severity": self.rule.severity.value,
            "scope": self.rule.scope,
            "title": self.rule.title,
            "explanation": self.rule.explanation,
            "fix": self.rule.fix,
            "hadolint": list(self.hadolint),
            "dockle": list(self.dockle),
            "enabled": self.enabled,
            "example": None
            if self.example is None
            else {"before": self.example.before, "after": self.example.after},
        }


def _paragraph(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width - 2, initial_indent="  ", subsequent_indent="  ")


def _code(text: str) -> list[str]:
    # Dockerfile lines are shown whole: wrapping would change what they say.
    return [f"    {line}" for line in text.splitlines()]


def render_rule(view: RuleView, width: int = 100) -> str:
    rule = view.rule
    # The explanation of a lint rule ends in "(hadolint: ...)": shown on its own line instead.
    explanation = rule.explanation
    if view.hadolint:
        explanation = explanation.removesuffix(f" (hadolint: {', '.join(view.hadolint)})")
    facts = [f"severity {rule.severity.value}", f"{_SCOPES.get(rule.scope, rule.scope)}"]
    if view.hadolint:
        facts.append(f"hadolint {', '.join(view.hadolint)}")
    if view.dockle:
        facts.append(f"dockle {', '.join(view.dockle)}")
    if not view.enabled:
        facts.append("off by default: [lint] enable = [" + repr(rule.id).replace("'", '"') + "]")
    lines = [f"{rule.id}  {rule.title}", *_paragraph("; ".join(facts), width)]
    lines += ["", "What and why", *_paragraph(explanation, width)]
    lines += ["", "Fix", *_paragraph(rule.fix, width)]
    if view.example is not None:
        lines += ["", "Before", *_code(view.example.before)]
        lines += ["After", *_code(view.example.after)]
    return "\n".join(lines) + "\n"
