"""``tailor diff A B``: what differs between two images, from any sources."""

from __future__ import annotations

from pathlib import Path

import click

from imagetailor.cli.options import (
    cache_option,
    output_options,
    platform_option,
    refuse_existing,
    terminal_style,
)
from imagetailor.report.formats import DIFF_FORMATS


@click.command("diff")
@click.argument("reference_a", metavar="A")
@click.argument("reference_b", metavar="B")
@platform_option
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Text: every entry of every list.")
@cache_option
@output_options
def command(
    reference_a: str,
    reference_b: str,
    platform: str | None,
    fmt: str,
    verbose: bool,
    no_cache: bool,
    output: Path | None,
    force: bool,
) -> int:
    """Compare image A with image B: files added, removed and modified (size, mode, owner,
    content digest), packages, tools by category, config (env names only, never values),
    per-layer sizes and totals. Exit 0 whether or not they differ, 2 on bad input.

    A and B take the references `tailor inspect` takes. Layers both images share (same diff
    ID) are read once.

    \b
    Examples:
      tailor diff app:1.4.1 app:1.4.2
      tailor diff app:1.4.2 app:1.4.2-local --verbose
      tailor diff oci:build/app docker://localhost:5000/app:1.4.2 --format json
    """
    refuse_existing(output, force)
    from imagetailor.analysis.layercache import persistent_cache
    from imagetailor.diff.compare import diff_images, read_for_diff
    from imagetailor.report.diff import render_diff
    from imagetailor.report.output import write_output

    cache = persistent_cache(not no_cache)  # B's layers that A has are replayed, not read again
    a = read_for_diff(reference_a, platform, cache)
    b = read_for_diff(reference_b, platform, cache)
    result = diff_images(a, b)
    if output is not None:
        write_output(render_diff(result, fmt, verbose=verbose), output, force=force)
        return 0
    width, _ = terminal_style()
    click.echo(render_diff(result, fmt, width=width, verbose=verbose), nl=False)
    return 0
