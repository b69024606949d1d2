"""``tailor init``: detect the project, ask a few questions, write a commented tailor.toml."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from imagetailor.cli.options import directory_option
from imagetailor.errors import UsageError
from imagetailor.generate.recipes import catalogue
from imagetailor.project.detect import detect
from imagetailor.project.model import SPEC_FILE
from imagetailor.project.questions import ask_questions, render_spec


@click.command("init")
@click.option("--yes", "-y", is_flag=True, help="Take every detected answer without asking.")
@click.option("--force", is_flag=True, help="Overwrite an existing tailor.toml.")
@directory_option
def command(yes: bool, force: bool, directory: Path) -> int:
    """Detect the app, ask a few questions, write tailor.toml."""
    err = Console(stderr=True)
    target = directory / SPEC_FILE
    if target.exists() and not force:
        raise UsageError(f"{target} already exists: edit it, or pass --force to replace it")
    detected = detect(directory)
    for note in detected.notes:
        err.print(f"[dim]detected:[/dim] {note}")
    cat = catalogue()
    defaults = {
        purpose: cat.default_tools(purpose, detected.language, detected.frontend is not None)
        for purpose in ("ci", "local", "dev")
    }
    defaults["ci"] = [*defaults["ci"], *(t for t in detected.test_tools if t not in defaults["ci"])]

    def ask(question: str, default: str) -> str:
        if yes:
            return default
        return str(click.prompt(question, default=default, err=True))

    answers = ask_questions(detected, ask, defaults)
    text = render_spec(answers)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(target)
    click.echo(str(target))
    err.print(f"wrote {target}; next: tailor generate")
    return 0
