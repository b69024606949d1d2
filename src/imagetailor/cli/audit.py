"""``tailor audit REGISTRY[/PREFIX]``: every image of a registry judged by its own purpose."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from imagetailor.cli.options import emit, emit_rich, output_options, policy_config_option
from imagetailor.cli.options import refuse_existing as refuse_existing_output
from imagetailor.errors import UsageError


@click.command("audit")
@click.argument("target", metavar="REGISTRY[/PREFIX]", required=False)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Audit the references listed in FILE (one a line, # comments) instead of a registry.",
)
@click.option(
    "--default-purpose",
    default="deploy",
    show_default=True,
    help="The purpose an image without a dev.imagetailor.purpose label is judged as.",
)
@policy_config_option
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=min(4, os.cpu_count() or 1),
    show_default="cores, at most 4",
    help="Images read at once.",
)
@click.option(
    "--memory",
    "memory",
    default="1GiB",
    show_default=True,
    metavar="SIZE",
    help="Bound on the layer records kept between images (a larger layer is read, not kept).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where verdicts are kept between audits (default $XDG_CACHE_HOME/imagetailor/audit).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor keep verdicts on disk.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@output_options
def command(
    target: str | None,
    from_file: Path | None,
    default_purpose: str,
    config_path: Path | None,
    jobs: int,
    memory: str,
    cache_dir: Path | None,
    no_cache: bool,
    fmt: str,
    output: Path | None,
    force: bool,
) -> int:
    """Judge every image of a registry (or a list) by the purpose its dev.imagetailor.purpose
    label names; exit 0 when all fit, 1 when any does not or cannot be read, 2 on bad input.

    The catalogue is walked with /v2/_catalog and tags/list (credentials as for docker://).
    Layers the images share are read once; verdicts are kept by config digest, so auditing an
    unchanged registry again reads only manifests and configs.

    \b
    Examples:
      tailor audit 127.0.0.1:5000
      tailor audit registry.example.com/team --default-purpose ci --format json
      tailor audit --from images.txt --jobs 2
    """
    from imagetailor.audit.catalogue import read_reference_list, split_target, walk_registry
    from imagetailor.audit.results import VerdictStore, default_cache_dir
    from imagetailor.audit.run import audit
    from imagetailor.policy.settings import PolicySettings, read_config, resolve
    from imagetailor.policy.sizes import parse_size

    if (target is None) == (from_file is None):
        raise UsageError("give REGISTRY[/PREFIX] or --from FILE (exactly one)")
    refuse_existing_output(output, force)
    try:
        memory_bytes = parse_size(memory)
    except ValueError as error:
        raise UsageError(f"--memory: {error}") from None
    tables, source = read_config(config_path)
    # Rule ids a [policy] table names are checked for typos; the built-in tables' are known
    # good (tests/policy), and without a table the rules' modules need not be imported.
    known = None
    if tables:
        from imagetailor.policy.evaluate import policy_rule_ids

        known = policy_rule_ids()
    resolved: dict[str, PolicySettings] = {}

    def settings(purpose: str) -> PolicySettings:
        if purpose not in resolved:
            resolved[purpose] = resolve(purpose, tables, source or "tailor.toml", known_rules=known)
        return resolved[purpose]

    settings(default_purpose)  # an unknown default purpose fails before any reading
    if from_file is not None:
        references = read_reference_list(from_file)
    else:
        assert target is not None
        registry, prefix = split_target(target)
        references = walk_registry(registry, prefix)
        if not references:
            raise UsageError(f"{target} holds no tagged images")
    store = VerdictStore(None if no_cache else (cache_dir or default_cache_dir()))
    result = audit(
        references, settings, default_purpose=default_purpose, store=store, jobs=jobs,
        memory_bytes=memory_bytes,
    )  # fmt: skip
    data = result.as_json()
    if fmt == "json":
        emit(json.dumps(data, indent=2) + "\n", output, force)
    else:
        shown = f"docker://{split_target(target)[0]}/" if target else "docker://"
        emit_rich(_table(data, target or str(from_file), shown), None, output, force)
    return 0 if all(row.fit for row in result.rows) else 1


def _table(data: dict[str, Any], audited: str, strip: str) -> object:
    """The summary as the title, then one row per image (named without ``strip``, the
    registry the title already names)."""
    from rich import box
    from rich.table import Table

    from imagetailor.policy.sizes import format_size

    summary = data["summary"]
    title = (
        f"{audited}: {summary['fit']} of {summary['images']} images fit their purpose"
        + (f", {summary['unreadable']} unreadable" if summary["unreadable"] else "")
        + f"; {summary['unique_layers']} unique layers in {summary['layer_uses']} uses, "
        f"{summary['layers_read']} read, {summary['cached_images']} verdicts from the cache, "
        f"{summary['seconds']:.1f}s"
    )
    # No column rules: at 80 columns the room goes to the names, not to borders.
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column, justify in (("image", "left"), ("purpose", "left"), ("fit", "left"),
                            ("errors", "right"), ("size", "right"), ("wasted", "right"),
                            ("needed", "right")):  # fmt: skip
        # Figures keep their width; the rest is shared out, the name getting most of it.
        figure = justify == "right"
        ratio = None if figure else {"image": 3}.get(column, 2)
        table.add_column(column, justify=justify, overflow="fold", no_wrap=figure, ratio=ratio)  # type: ignore[arg-type]

    def size(value: object) -> str:
        return format_size(value) if isinstance(value, int) else "-"

    for row in data["images"]:
        if row["fit"] is None:
            verdict = f"UNREADABLE: {row['problem']}"
        elif row["fit"]:
            verdict = "fit"
        else:
            verdict = "NOT FIT " + " ".join(row["failed_rules"])
        purpose = row["purpose"] or "-"
        if row["purpose_from"] == "default" and row["purpose"]:
            purpose += " (default)"
        table.add_row(
            row["reference"].removeprefix(strip), purpose, verdict,
            str(row["errors"]), size(row["size_bytes"]), size(row["wasted_bytes"]),
            size(row["needed_bytes"]),
        )  # fmt: skip
    return table
