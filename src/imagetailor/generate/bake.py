"""docker-bake.hcl: one target per purpose, a default group building all of them (sharing the
cache of common stages), base images as variables. Every string goes through hcl_string."""

from __future__ import annotations

from imagetailor.generate.dockerfile import GlobalArg
from imagetailor.generate.quoting import hcl_string
from imagetailor.project.model import Spec


def render_bake(spec: Spec, args: list[GlobalArg]) -> list[str]:
    purposes = spec.all_purposes()
    q = hcl_string
    lines: list[str] = []
    for arg in args:
        lines += [f"variable {q(arg.name)} {{", f"  default = {q(arg.default)}", "}", ""]
    lines += [
        'group "default" {',
        f"  targets = [{', '.join(q(p) for p in purposes)}]",
        "}",
        "",
        'target "_common" {',
        '  context = "."',
        f"  dockerfile = {q(spec.generate.dockerfile)}",
    ]
    if args:
        lines.append("  args = {")
        # ARG names are identifiers we chose (GO_IMAGE, ...): HCL references, not strings.
        lines += [f"    {arg.name} = {arg.name}" for arg in args]
        lines.append("  }")
    lines += ["}"]
    for purpose in purposes:
        lines += [
            "",
            f"target {q(purpose)} {{",
            '  inherits = ["_common"]',
            f"  target = {q(purpose)}",
            f"  tags = [{q(spec.tag(purpose))}]",
            f"  labels = {{ {q('dev.imagetailor.purpose')} = {q(purpose)} }}",
            "}",
        ]
    return lines
