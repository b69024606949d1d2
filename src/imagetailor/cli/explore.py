"""``tailor explore REF``: look through an image's layers and files full-screen."""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from pathlib import Path

import click

from imagetailor.cli.options import platform_option, policy_config_option
from imagetailor.errors import UsageError


@click.command("explore")
@click.argument("reference")
@platform_option
@click.option(
    "--purpose",
    "-p",
    "purposes",
    multiple=True,
    help="Purposes whose findings the findings pane shows, first one first "
    "(repeatable; default: deploy, ci, local, dev).",
)
@policy_config_option
def command(
    reference: str, platform: str | None, purposes: tuple[str, ...], config_path: Path | None
) -> int:
    """Explore an image full-screen: its layers, the file tree of each layer or of the final
    image (added, modified, removed and hidden entries marked), the findings of a purpose and
    the packages. `?` shows the keys, `q` quits. Honours NO_COLOR.

    \b
    Examples:
      tailor explore app:1.4.2                      the local engine's image
      tailor explore docker-archive:app.tar -p deploy
      tailor explore oci:build/layout:1.4.2 --platform linux/arm64
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("tailor explore needs a terminal; use `tailor inspect` or `tailor report`")
    from imagetailor.cli.analyzing import analyze_reference_files
    from imagetailor.cli.report import DEFAULT_PURPOSES
    from imagetailor.policy.evaluate import evaluate, policy_rule_ids
    from imagetailor.policy.settings import read_config, resolve

    tables, source = read_config(config_path)
    settings = [
        resolve(p, tables, source or "tailor.toml", known_rules=policy_rule_ids())
        for p in purposes or DEFAULT_PURPOSES
    ]
    # Textual and the app load (about a second) while the analysis waits for its layer
    # workers, so the first screen comes about as soon as `tailor inspect` would print.
    loader = threading.Thread(target=_load_app, name="explore-imports", daemon=True)
    loader.start()
    analysis, files = analyze_reference_files(reference, platform)
    checks = {s.purpose: evaluate(analysis, s) for s in settings}
    loader.join()
    from imagetailor.explore.app import ExploreApp

    result = ExploreApp(analysis, files, checks).run()
    return int(result or 0)


def _load_app() -> None:
    with contextlib.suppress(Exception):  # a failure shows when the app is imported again
        importlib.import_module("imagetailor.explore.app")
