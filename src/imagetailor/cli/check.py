"""``tailor check REF --purpose P``: is the image fit for its purpose? Exit 0 fit, 1 not fit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from imagetailor.analysis.model import Analysis
from imagetailor.cli.analyzing import analyze_reference, load_analysis
from imagetailor.cli.options import (
    cache_option,
    engine_location_options,
    output_options,
    platform_option,
    policy_config_option,
    refuse_existing,
    terminal_style,
    vuln_options,
)
from imagetailor.cli.vulnerable import with_vulnerabilities
from imagetailor.errors import UsageError
from imagetailor.policy.evaluate import evaluate, policy_rule_ids
from imagetailor.policy.settings import BUILTIN_PURPOSES, Overrides, read_config, resolve
from imagetailor.policy.vuln_rules import THRESHOLDS, threshold_severities
from imagetailor.report.check import CHECK_FORMATS, render_check, verdict_line
from imagetailor.report.output import write_output
from imagetailor.rules import Severity

SEVERITIES = tuple(s.value for s in Severity)

if TYPE_CHECKING:
    from imagetailor.engine.endpoint import Endpoint


@click.command("check")
@click.argument("reference", required=False)
@click.option(
    "--purpose",
    "-p",
    required=True,
    help="deploy, ci, local, dev, or a purpose defined in tailor.toml.",
    shell_complete=lambda ctx, param, incomplete: [
        p for p in BUILTIN_PURPOSES if p.startswith(incomplete)
    ],
)
@click.option(
    "--analysis",
    "analysis_file",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    help="Judge a saved `tailor inspect --format json` instead of reading REFERENCE "
    "(- reads it from standard input).",
)
@click.option(
    "--attached",
    is_flag=True,
    help="docker:// only: judge by the check report `tailor push` attached to the image (an "
    "OCI referrer) instead of reading its layers; the report must name this image's digests.",
)
@platform_option
@click.option(
    "--compare",
    "compare_reference",
    metavar="REF",
    help="Prove the image is REF plus what its purpose allows: local against deploy "
    "(same files, packages, entrypoint and user; only allowed tools added), ci against its "
    "build stage (same packages, same workdir files). Rules TP601-TP604.",
)
@click.option(
    "--require",
    multiple=True,
    metavar="TOOL",
    help="A tool the image must have (repeatable); adds to the purpose's list.",
)
@click.option(
    "--allow",
    multiple=True,
    metavar="TOOL|CATEGORY",
    help="A tool name or whole category that is fine here (repeatable).",
)
@click.option("--ignore", multiple=True, metavar="RULE", help="A rule id not to evaluate.")
@click.option("--max-size", metavar="SIZE", help='Largest image size, e.g. "50MB", "1.5GiB".')
@click.option(
    "--max-wasted",
    metavar="SIZE",
    help="Most bytes allowed in layers that never reach the final file system.",
)
@click.option("--max-layers", type=int, metavar="N", help="Most layers allowed.")
@click.option("--min-efficiency", type=float, metavar="X", help="Lowest dive efficiency, 0..1.")
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    help="Lowest severity that makes the image unfit (default: the purpose's, error).",
)
@vuln_options
@click.option(
    "--fail-on-vuln",
    type=click.Choice(THRESHOLDS),
    help="Lowest advisory severity that makes the image unfit (default high); needs --vuln-db.",
)
@engine_location_options
@policy_config_option
@click.option(
    "--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Text: every finding with its path and layer, after the summary by rule.",
)
@cache_option
@output_options
def command(
    reference: str | None,
    purpose: str,
    analysis_file: Path | None,
    attached: bool,
    platform: str | None,
    compare_reference: str | None,
    require: tuple[str, ...],
    allow: tuple[str, ...],
    ignore: tuple[str, ...],
    max_size: str | None,
    max_wasted: str | None,
    max_layers: int | None,
    min_efficiency: float | None,
    fail_on: str | None,
    vuln_db: Path | None,
    ignore_vuln: tuple[str, ...],
    vex: tuple[Path, ...],
    fail_on_vuln: str | None,
    config_path: Path | None,
    fmt: str,
    verbose: bool,
    engine_host: str | None,
    engine_context: str | None,
    no_cache: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Judge an image against its purpose's policy; exit 0 when fit, 1 when not, 2 on bad input.

    The text leads with the verdict and a summary by rule (count, first paths, the layer that
    added most, the fix); --verbose adds every finding with its path, layer and instruction.
    Settings come from the built-in policy, then [policy.PURPOSE] in tailor.toml, then these
    flags (lists add, thresholds replace).

    \b
    Examples:
      tailor check docker-archive:app.tar --purpose deploy
      tailor check app:1.4.2 -p deploy --vuln-db osv/ --fail-on-vuln critical
      tailor check app:1.4.2-local -p local --compare app:1.4.2
    """
    if (reference is None) == (analysis_file is None):
        raise UsageError("give either REFERENCE or --analysis FILE (exactly one)")
    refuse_existing(output, force)  # before the (possibly long) analysis, not after
    if attached:
        return _attached(reference, purpose, platform, fmt, verbose, output, force, locals())
    tables, source = read_config(config_path)
    settings = resolve(
        purpose,
        tables,
        source or "tailor.toml",
        Overrides(
            require=require,
            allow=allow,
            ignore=ignore,
            max_size=max_size,
            max_wasted=max_wasted,
            max_layers=max_layers,
            min_efficiency=min_efficiency,
            fail_on=fail_on,
        ),
        known_rules=policy_rule_ids(),
    )
    if compare_reference is not None:
        from imagetailor.policy.compare import comparable

        comparable(settings)
        if reference is None:
            raise UsageError("--compare needs REFERENCE: a saved --analysis has no file digests")
    analysis: Analysis
    diffed = None
    if analysis_file is not None:
        if platform is not None:
            raise UsageError("--platform applies to REFERENCE, not to a saved --analysis")
        analysis = load_analysis(analysis_file)
    elif compare_reference is not None:
        assert reference is not None
        from imagetailor.analysis.layercache import persistent_cache
        from imagetailor.diff.compare import diff_images, read_for_diff

        cache = persistent_cache(not no_cache)  # the layers both share are read once
        compared = read_for_diff(compare_reference, platform, cache)
        judged = read_for_diff(reference, platform, cache)
        analysis = judged.analysis
        diffed = (diff_images(compared, judged), compared.analysis)
    else:
        assert reference is not None
        endpoint = _endpoint(engine_host, engine_context)
        analysis = analyze_reference(reference, platform, endpoint, cache=not no_cache)
    analysis = with_vulnerabilities(analysis, vuln_db, ignore_vuln, vex)
    if analysis.vulnerability_scan is None:
        if fail_on_vuln is not None:
            raise UsageError("--fail-on-vuln needs --vuln-db PATH (or TAILOR_VULN_DB)")
    else:
        severities = threshold_severities(fail_on_vuln or "high")
        # A severity set for one of these rules in tailor.toml wins over the threshold.
        severity = {**severities, **settings.severity}
        settings = replace(settings, vulnerabilities=True, severity=severity)
    report = evaluate(analysis, settings)
    if diffed is not None:
        from imagetailor.policy.compare import add_comparison

        report = add_comparison(report, diffed[0], analysis, diffed[1], settings)
    if output is not None:
        write_output(render_check(report, fmt, verbose=verbose), output, force=force)
        click.echo(verdict_line(report), err=True)
    else:
        width, color = terminal_style()
        click.echo(render_check(report, fmt, width=width, color=color, verbose=verbose), nl=False)
    return 0 if report.fit else 1


# Options that change the judgement: an attached report was judged when it was pushed.
_JUDGING = ("analysis_file", "compare_reference", "require", "allow", "ignore", "max_size",
            "max_wasted", "max_layers", "min_efficiency", "fail_on", "vuln_db", "ignore_vuln",
            "vex", "fail_on_vuln", "config_path")  # fmt: skip


def _attached(
    reference: str | None,
    purpose: str,
    platform: str | None,
    fmt: str,
    verbose: bool,
    output: Path | None,
    force: bool,
    given: dict[str, object],
) -> int:
    from imagetailor.pipeline.publish import attached_report

    judging = [name for name in _JUDGING if given.get(name) not in (None, (), False)]
    if judging:
        flags = ", ".join("--" + n.replace("_", "-") for n in judging)
        raise UsageError(f"--attached reads the judgement made at push time: drop {flags}")
    if reference is None:
        raise UsageError("--attached needs a docker:// REFERENCE")
    report = attached_report(reference, purpose, platform)
    if output is not None:
        write_output(render_check(report, fmt, verbose=verbose), output, force=force)
        click.echo(verdict_line(report), err=True)
    else:
        width, color = terminal_style()
        click.echo(render_check(report, fmt, width=width, color=color, verbose=verbose), nl=False)
    return 0 if report.fit else 1


def _endpoint(host: str | None, context: str | None) -> Endpoint | None:
    """The engine a docker-daemon: reference is read from, when an option names one."""
    if host is None and context is None:
        return None  # the reader resolves DOCKER_HOST and contexts itself
    from imagetailor.cli.options import engine_endpoint

    return engine_endpoint(host, context)
