"""ENV that names a place (TL207), judged with the catalogue `tailor check`'s TP202 reads
(data/environments.toml): one ENV, one answer from both tools."""

from __future__ import annotations

from collections.abc import Iterator

from imagetailor.environments import environments
from imagetailor.lint.rules.base import Hit, LintContext, lint_rule
from imagetailor.rules import Severity


@lint_rule(
    "TL207",
    Severity.WARNING,
    "ENV names an environment",
    "An image built for one purpose should run unchanged in every environment; an ENV value "
    "naming one bakes the place into the image, and a development mode in a stage a deploy "
    "target inherits ships debug behaviour to production. `tailor check` (TP202) reads the "
    "same catalogue (data/environments.toml), so both give one answer: APP_ENV=production, "
    "DEPLOY_ENV=staging and API_URL=https://api.prod.example.com name a place; "
    "NODE_ENV=production (also RAILS_ENV, RACK_ENV, MIX_ENV, FLASK_ENV, BABEL_ENV) is a build "
    "mode, the same everywhere, and is fine; NODE_ENV=staging names a place again.",
    "Set the environment at run time (docker run -e APP_ENV=production, the orchestrator); keep "
    "build modes like NODE_ENV=production only in stages for deploy.",
)
def environment_in_env(ctx: LintContext) -> Iterator[Hit]:
    catalogue = environments()
    for stage in ctx.shipped_stages():
        purposes = ctx.model.purposes_inheriting(stage)
        for instruction in stage.of("ENV"):
            for name, quoted in zip(instruction.args[0::2], instruction.args[1::2], strict=False):
                value = quoted.strip("\"'")  # BuildKit's parser keeps ENV quotes
                if catalogue.development_mode(name, value):
                    if "deploy" in purposes:
                        yield Hit(
                            instruction.start_line,
                            f"{name}={value} puts a development mode into a deploy image",
                            stage.label,
                        )
                        break
                    continue
                place = catalogue.place_named(name, value)
                if place is not None:
                    yield Hit(
                        instruction.start_line,
                        f"{name}={value} names the environment {place!r}: the image fits only "
                        "there",
                        stage.label,
                    )
                    break
