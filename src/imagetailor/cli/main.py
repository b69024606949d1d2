"""The ``tailor`` command: thin commands that parse arguments, call a service, render."""

from __future__ import annotations

import importlib
import sys
import traceback

import click

from imagetailor import __version__
from imagetailor.errors import TailorError

# Each command lives in the module of the same name and is imported only when it runs, so that
# `tailor lint` does not pay for the registry client and the analysis code at start-up.
COMMAND_MODULES = ("rules", "lint", "inspect", "check", "init", "generate", "build", "smoke")


class LazyGroup(click.Group):
    """A group whose commands are the ``command`` objects of the modules named above."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        command: click.Command = importlib.import_module(f"imagetailor.cli.{cmd_name}").command
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="tailor")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Tailor container images to their purpose: deploy, ci, local, dev."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="tailor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("tailor: aborted", err=True)
        return 130
    except TailorError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"tailor: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("tailor: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line unless --debug
        if debug:
            traceback.print_exc()
        click.echo(
            f"tailor: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True
        )
        return 3
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
