"""The ``tailor`` command: thin commands that parse arguments, call a service, render."""

from __future__ import annotations

import importlib
import re
import signal
import sys
import threading
import traceback
from types import FrameType

import click

from imagetailor import __version__
from imagetailor.errors import MAX_MESSAGE_CHARS, TailorError, did_you_mean, one_line

# httpx's package imports its own command-line client (rich.console, rich.progress, pygments:
# 70 ms, an eighth of a `tailor audit` start) unless that import fails, and falls back to a
# stub `httpx.main` when it does. `tailor` never runs httpx's CLI, so the module is marked
# absent before httpx is first imported. Here, in our own entry point, not in the package: a
# program that imports imagetailor keeps httpx as it is.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

# Each command lives in the module of the same name and is imported only when it runs, so that
# `tailor lint` does not pay for the registry client and the analysis code at start-up.
COMMAND_MODULES = (
    "rules", "lint", "inspect", "check", "report", "explore", "init", "generate", "build",
    "smoke", "completion", "diff", "push", "sbom", "audit",
)  # fmt: skip


class LazyGroup(click.Group):
    """A group whose commands are the ``command`` objects of the modules named above."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_MODULES)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMAND_MODULES:
            hint = did_you_mean(name, COMMAND_MODULES)
            raise click.UsageError(f"no such command {name!r}{hint}", ctx)
        return super().resolve_command(ctx, args)

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


class Terminated(BaseException):
    """SIGTERM, raised where the program is, so that cleanup (temp files, a spooled image,
    worker processes) runs as it does for Ctrl-C instead of the process just vanishing."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _error(text: str) -> None:
    # The one printer of error lines: whatever the message holds (an engine's multi-line
    # output, a 10,000-entry list, a 4,000-character path), the user reads one short line.
    click.echo(one_line(text, MAX_MESSAGE_CHARS + 20), err=True)


def _choice_hint(exc: click.ClickException) -> str:
    """click names the choices of a mistyped --format or --scope; we add the close one."""
    if not isinstance(exc, click.BadParameter) or exc.param is None:
        return ""
    choice = exc.param.type
    if not isinstance(choice, click.Choice):
        return ""
    given = re.search(r"'([^']*)' is not one of", exc.format_message())
    return did_you_mean(given.group(1), choice.choices) if given else ""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        result = cli.main(args=args, prog_name="tailor", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        command = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else None
        hint = f" (see '{command} -h')" if command else ""
        _error(f"tailor: error: {exc.format_message()}{_choice_hint(exc)}{hint}")
        return 2
    except click.exceptions.Abort:
        _error("tailor: aborted")
        return 130
    except TailorError as exc:
        if debug:
            traceback.print_exc()
        _error(f"tailor: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _error("tailor: interrupted")
        return 130
    except Terminated:
        _error("tailor: terminated")
        return 143
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line unless --debug
        if debug:
            traceback.print_exc()
        _error(f"tailor: internal error: {type(exc).__name__}: {exc} (rerun with --debug)")
        return 3
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
