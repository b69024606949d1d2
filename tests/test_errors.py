"""The one-line, bounded error text every command prints."""

from __future__ import annotations

from imagetailor.errors import MAX_MESSAGE_CHARS, one_line, summarise


def test_summarise_names_a_few_and_counts_the_rest() -> None:
    assert summarise([]) == "none"
    assert summarise([], empty="untagged") == "untagged"
    assert summarise(["a", "b"]) == "a, b"
    assert summarise(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"
    assert summarise([f"n{i}" for i in range(10_000)], limit=3) == "n0, n1, n2 and 9,997 more"
    assert summarise(iter(range(7)), limit=6) == "0, 1, 2, 3, 4, 5 and 1 more"


def test_one_line_folds_whitespace_and_cuts_the_middle() -> None:
    assert one_line("a\n  b\tc\r\n") == "a b c"
    long = "start " + "x" * 100_000 + " end hint"
    cut = one_line(long)
    assert len(cut) == MAX_MESSAGE_CHARS
    assert cut.startswith("start xxx") and cut.endswith("end hint") and " … " in cut
    assert one_line("y" * MAX_MESSAGE_CHARS) == "y" * MAX_MESSAGE_CHARS
