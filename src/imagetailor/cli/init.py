"""``tailor init``: detect the project, ask a few questions, write a commented tailor.toml."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from imagetailor.cli.options import base_map_option, directory_option
from imagetailor.errors import UsageError
from imagetailor.project.bases import effective_base_map, parse_base_table
from imagetailor.project.detect import detect
from imagetailor.project.model import SPEC_FILE
from imagetailor.project.questions import SETTABLE, Check, ask_questions, render_spec


def _settings(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in SETTABLE:
            raise UsageError(
                f"--set {pair[:60]!r}: use KEY=VALUE with KEY one of {', '.join(SETTABLE)}"
            )
        out[key] = value
    return out


@click.command("init")
@click.option("--yes", "-y", is_flag=True, help="Take every detected answer without asking.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Answer one question (e.g. app.start='gunicorn app:app'); repeatable.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing tailor.toml.")
@base_map_option
@directory_option
def command(
    yes: bool, sets: tuple[str, ...], force: bool, base_map: Path | None, directory: Path
) -> int:
    """Detect the app, ask a few questions, write tailor.toml.

    \b
    Examples:
      tailor init                             ask, detected answers first
      tailor init -y --dir ./api              take every detected answer
      tailor init -y --set app.start='gunicorn app:app'  and one answer
    """
    err = Console(stderr=True)
    target = directory / SPEC_FILE
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(f"{target} already exists: edit it, or pass --force to replace it")
    settings = _settings(sets)
    # The versions offered are the base map's when one is in effect, so that what init picks
    # is what `tailor build` can build here.
    bases = effective_base_map(parse_base_table({}, "tailor.toml"), base_map)
    detected = detect(directory, bases)
    for note in detected.facts.notes:
        # Notes quote the project ("Pipfile [requires]", its start line): text, not markup.
        err.print(f"[dim]detected:[/dim] {escape(note)}", highlight=False)

    def ask(question: str, default: str, check: Check) -> str:
        if yes:
            try:
                check(default)
            except ValueError as exc:
                raise UsageError(f"{question}: {default[:60]!r}: {exc}") from None
            return default

        def proc(text: str) -> str:
            try:
                check(text)
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from None
            return text

        return str(click.prompt(question, default=default, err=True, value_proc=proc))

    answers = ask_questions(detected, ask, settings, interactive=not yes)
    text = render_spec(answers)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None
    click.echo(str(target))
    err.print(f"wrote {escape(str(target))}; next: tailor generate", highlight=False)
    return 0
