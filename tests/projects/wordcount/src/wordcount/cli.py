import click

from . import __version__
from .core import count_words, top

SAMPLE = "the quick brown fox jumps over the lazy dog the end"


@click.command()
@click.argument("files", nargs=-1, type=click.File("r"))
@click.option("--top", "n", default=3, show_default=True, help="How many words to list.")
@click.version_option(__version__)
def main(files, n):
    """Count words in FILES (a built-in sample when none are given)."""
    text = "".join(f.read() for f in files) if files else SAMPLE
    total = sum(count_words(text).values())
    click.echo(f"{total} words")
    for word, count in top(text, n):
        click.echo(f"{count:>4} {word}")
