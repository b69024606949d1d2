import yaml

import quotegen


def test_bundled_file_loads():
    quotes = quotegen.load_quotes()
    assert len(quotes) == 3
    assert {"text", "author"} <= set(quotes[0])


def test_pick_is_deterministic_with_seed():
    quotes = quotegen.load_quotes()
    assert quotegen.pick(quotes, 1) == quotegen.pick(quotes, 1)


def test_main_prints(capsys):
    assert quotegen.main(["--seed", "7"]) == 0
    assert "\u2014" in capsys.readouterr().out


def test_libyaml_available():
    assert yaml.__with_libyaml__
