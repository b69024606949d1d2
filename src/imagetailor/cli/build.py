"""``tailor build [PURPOSE...]``: build each purpose's image, check it, print one table."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from imagetailor.cli.options import (
    base_map_option,
    builder_option,
    directory_option,
    emit,
    emit_rich,
    engine_endpoint,
    engine_option,
    output_options,
    refuse_existing,
)
from imagetailor.engine.build import BuildFailedError, failed_step_output
from imagetailor.engine.client import select_client
from imagetailor.errors import UsageError
from imagetailor.generate.files import compare, render_all
from imagetailor.pipeline import PurposeBuild, build_purposes
from imagetailor.policy.sizes import format_size
from imagetailor.project.model import load_project


@click.command("build")
@click.argument("purposes", nargs=-1)
@base_map_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@engine_option
@builder_option
@directory_option
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Stream the engine's build log to stderr, and say which engine client builds and why.",
)
@click.option("--no-run-ci", is_flag=True, help="Do not run the ci image's tests after the build.")
@click.option(
    "--ci-timeout",
    type=click.FloatRange(1, 86400),
    default=1800.0,
    show_default=True,
    help="Seconds the ci image's tests may run.",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write DIR/PURPOSE.html (`tailor report`) for each image built.",
)
@click.option(
    "--push",
    "push_repository",
    metavar="REPO",
    help="When every image fits: push each as REPO:VERSION-PURPOSE (deploy also as "
    "REPO:VERSION), the image that was checked, with its check report attached.",
)
@output_options
def command(
    purposes: tuple[str, ...],
    base_map: Path | None,
    fmt: str,
    engine: str,
    engine_host: str | None,
    engine_context: str | None,
    builder: str | None,
    directory: Path,
    verbose: bool,
    no_run_ci: bool,
    ci_timeout: float,
    report_dir: Path | None,
    push_repository: str | None,
    output: Path | None,
    force: bool,
) -> int:
    """Build the images (all purposes by default), then check each against its purpose.

    \b
    Examples:
      tailor build                            all four images, each checked
      tailor build deploy local -v            two, with the engine's log
      tailor build --no-run-ci --report out/  no tests; an HTML page per image
    """
    err = Console(stderr=True)
    refuse_existing(output, force)
    spec, bases = load_project(directory, base_map)
    for purpose in purposes:
        spec.base_purpose(purpose)  # an unknown purpose is a usage error before any probing
    dockerfile = directory / spec.generate.dockerfile
    if not dockerfile.is_file():
        raise UsageError(f"{dockerfile} does not exist: run `tailor generate` first")
    stale = [
        s.name
        for s in compare(directory, render_all(spec, directory))
        if s.state in ("out-of-date", "missing")
    ]
    if stale:
        err.print(
            f"[yellow]warning:[/yellow] {', '.join(stale)} out of date with tailor.toml "
            "(building what is on disk; run `tailor generate` to refresh)"
        )
    if report_dir is not None:
        from imagetailor.cli.report import check_report_directory

        check_report_directory(report_dir, list(purposes) or spec.all_purposes(), force)
    if push_repository is not None:
        from imagetailor.pipeline.publish import repository_name

        repository_name(push_repository)  # a bad REPO fails before the build, not after
    endpoint = engine_endpoint(engine_host, engine_context)
    client = select_client(engine, announce=verbose, endpoint=endpoint, builder=builder)
    if builder and not (directory / spec.generate.bake).is_file():
        raise UsageError(
            f"--builder bakes every purpose from {spec.generate.bake}, which does not exist: "
            "run `tailor generate` first"
        )

    def on_line(line: str) -> None:
        if verbose:
            err.out(line, highlight=False)

    def on_built(result: PurposeBuild) -> None:
        verdict = "fit" if result.check.fit else "NOT FIT: " + ", ".join(result.check.failed_rules)
        err.print(
            f"built {result.tag} in {result.seconds:.1f}s, checked in "
            f"{result.check_seconds:.1f}s; {verdict}",
            highlight=False,
        )
        run = result.ci_run
        if run is not None:
            state = "passed" if run.passed else f"FAILED (exit {run.exit_code})"
            err.print(
                f"ran {result.tag} (its tests) in {run.seconds:.1f}s: {state}", highlight=False
            )
            if not run.passed:
                err.print("[dim]last lines of its output:[/dim]")
                err.out("\n".join(run.output_tail.rstrip().splitlines()[-20:]), highlight=False)

    try:
        results = build_purposes(
            directory,
            spec,
            bases,
            list(purposes),
            client=client,
            on_line=on_line,
            on_built=on_built,
            run_ci_image=not no_run_ci,
            ci_timeout=ci_timeout,
        )
    except BuildFailedError as exc:
        tail = failed_step_output(exc.log_text)
        if tail:
            err.print("[dim]the failing step's last lines:[/dim]")
            err.out("\n".join(tail), highlight=False)
        raise
    all_fit = all(r.fit for r in results)
    if push_repository is not None and not all_fit:
        err.print("[yellow]not pushed:[/yellow] an image is not fit for its purpose (see below)")
    elif push_repository is not None:
        from imagetailor.cli.push import say_pushed
        from imagetailor.pipeline.publish import push_purposes
        from imagetailor.policy.findings import CheckReport

        reports = {r.purpose: r.check.report for r in results}
        checked = {p: rep for p, rep in reports.items() if isinstance(rep, CheckReport)}
        push_purposes(
            spec, directory, push_repository, [r.purpose for r in results], checked,
            on_pushed=say_pushed, endpoint=endpoint,
        )  # fmt: skip
    if report_dir is not None:
        from imagetailor.cli.report import write_built_reports

        built = [(r.purpose, r.tag, r.check.report) for r in results]
        write_built_reports(report_dir, built, force)
    if fmt == "json":
        emit(json.dumps([r.as_json() for r in results], indent=2) + "\n", output, force)
    else:
        fit = sum(r.fit for r in results)
        total_build = sum(r.seconds for r in results)
        total_check = sum(r.check_seconds for r in results)
        summary = (
            f"{fit} of {len(results)} images fit their purpose; built in {total_build:.1f}s, "
            f"checked in {total_check:.1f}s"
        )
        table = Table(title=summary, title_justify="left")
        for column in ("purpose", "tag", "size", "build", "check", "verdict"):
            table.add_column(column)
        for r in results:
            verdict = "fit" if r.check.fit else "NOT FIT " + " ".join(r.check.failed_rules)
            if r.ci_run is not None:
                verdict += ", tests pass" if r.ci_run.passed else ", TESTS FAIL"
            table.add_row(
                r.purpose,
                r.tag,
                format_size(r.size_bytes),
                f"{r.seconds:.1f}s",
                f"{r.check_seconds:.1f}s",
                verdict,
            )
        emit_rich(table, 100, output, force)
    return 0 if all_fit else 1
