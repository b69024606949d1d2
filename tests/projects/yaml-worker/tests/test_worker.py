import pytest

import worker


def test_sum():
    assert worker.run_job({"kind": "sum", "values": [2, 3]}) == 5


def test_upper():
    assert worker.run_job({"kind": "upper", "text": "ab"}) == "AB"


def test_unknown_kind():
    with pytest.raises(ValueError):
        worker.run_job({"kind": "nope"})


def test_main_reads_file(tmp_path, capsys):
    f = tmp_path / "j.yaml"
    f.write_text("jobs:\n  - {name: a, kind: sum, values: [1]}\n")
    assert worker.main(str(f)) == 0
    assert "processed 1 jobs" in capsys.readouterr().out
