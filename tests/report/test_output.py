"""--output: atomic, and never over an existing file unless forced."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from imagetailor.errors import UsageError
from imagetailor.report.output import write_output
from tests.deadline import within


def test_writes_new_file_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "report.json"
    write_output("first\n", target)
    assert target.read_text() == "first\n"
    with pytest.raises(UsageError, match="already exists: choose another --output or add --force"):
        write_output("second\n", target)
    assert target.read_text() == "first\n"
    write_output("second\n", target, force=True)
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temp files left


def test_missing_directory_and_directory_target(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        write_output("x", tmp_path / "nope" / "r.txt")
    with pytest.raises(UsageError, match="is a directory"):
        write_output("x", tmp_path, force=True)


# --- special files: never replaced, written into or refused --------------------------------


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with within(10):
        while True:  # wait until the reader has opened its end
            try:
                write_output("report\n", fifo, force=True)
                break
            except UsageError as error:
                assert "nothing reads from this pipe" in str(error)
    reader.join(10)
    assert got == [b"report\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with within(5), pytest.raises(UsageError, match="nothing reads from this pipe"):
        write_output("x", fifo, force=True)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_into() -> None:
    write_output("gone\n", Path("/dev/null"), force=True)
    write_output("gone\n", Path("/dev/null"))  # no --force needed: nothing is replaced
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    with pytest.raises(UsageError, match="No space left on device"):
        write_output("x", Path("/dev/full"))


@pytest.mark.parametrize("force", [False, True])
def test_dev_stdout_through_a_pipe_writes_into_the_pipe(force: bool, tmp_path: Path) -> None:
    # As root (tests run as root here) --force once replaced /dev/stdout's target.
    code = (
        "from pathlib import Path\n"
        "from imagetailor.report.output import write_output\n"
        f"write_output('through the pipe\\n', Path('/dev/stdout'), force={force})\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"through the pipe\n"


def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    write_output("to stdout\n", Path("-"))
    assert capsys.readouterr().out == "to stdout\n"


def test_a_symlink_to_a_regular_file_of_ours_is_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="already exists"):
        write_output("new", link)
    write_output("new", link, force=True)
    assert link.is_symlink() and target.read_text() == "new"


def test_a_symlink_to_someone_elses_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "theirs"
    target.write_text("keep")
    os.chown(target, 12345, 12345)
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="a file you do not own: refusing to follow it"):
        write_output("x", link, force=True)
    assert target.read_text() == "keep"


def test_dangling_and_directory_symlinks_are_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="a symbolic link to nothing"):
        write_output("x", dangling, force=True)
    assert not (tmp_path / "nowhere").exists()
    to_dir = tmp_path / "to-dir"
    to_dir.symlink_to(tmp_path)
    with pytest.raises(UsageError, match="a symbolic link to a directory"):
        write_output("x", to_dir, force=True)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(UsageError, match="is a socket: --output writes regular files"):
            write_output("x", path, force=True)


def test_names_too_long_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the name is too long for the file system"):
        write_output("x", tmp_path / ("n" * 300))
    # A name that just fits (255) is written: the temporary name does not grow with it.
    fits = tmp_path / ("f" * 255)
    write_output("x", fits)
    assert fits.read_text() == "x"
    with pytest.raises(UsageError, match="too long"):
        write_output("x", Path("/" + "/".join(["d" * 200] * 30)))
