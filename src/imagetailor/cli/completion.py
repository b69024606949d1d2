"""``tailor completion bash|zsh|fish``: the shell's completion script for tailor, on stdout."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def command(shell: str) -> int:
    """Print the completion script for SHELL (commands, options, purposes, formats).

    \b
    Examples:
      eval "$(tailor completion bash)"                  # in ~/.bashrc
      tailor completion zsh > "${fpath[1]}/_tailor"
      tailor completion fish > ~/.config/fish/completions/tailor.fish
    """
    from imagetailor.cli.main import cli

    completion = get_completion_class(shell)
    assert completion is not None  # every name in SHELLS has one in click
    # The script calls tailor back with _TAILOR_COMPLETE set; click answers that in cli.main.
    script = completion(cli, {}, "tailor", "_TAILOR_COMPLETE").source()
    click.echo(script)
    return 0
