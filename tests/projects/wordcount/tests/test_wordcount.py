from click.testing import CliRunner

from wordcount.cli import main
from wordcount.core import count_words, top


def test_count_words_is_case_insensitive():
    assert count_words("A a b")["a"] == 2


def test_top():
    assert top("x y y z z z", 2) == [("z", 3), ("y", 2)]


def test_cli_sample():
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0
    assert result.output.startswith("11 words")


def test_cli_file(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("one two two")
    result = CliRunner().invoke(main, [str(p), "--top", "1"])
    assert "   2 two" in result.output
