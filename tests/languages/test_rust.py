"""The Rust plug-in's version conventions on known inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.languages import plugin
from imagetailor.languages.facts import Constraint
from imagetailor.languages.files import ProjectFiles
from imagetailor.languages.rust import detect

RUST = plugin("rust").data
TOOLCHAIN, MSRV = "rust-toolchain.toml", "Cargo.toml rust-version"
CARGO = '[package]\nname = "x"\nversion = "0.1.0"\nrust-version = "1.80"\n'


@pytest.mark.parametrize(
    ("toolchain", "expected"),
    [
        ("1.85.0", Constraint("pep440", "==1.85.*", f"{TOOLCHAIN} channel")),
        # A named channel says no version: Cargo.toml's rust-version decides.
        ("stable", Constraint("pep440", ">=1.80", MSRV)),
        (None, Constraint("pep440", ">=1.80", MSRV)),
    ],
)  # fmt: skip
def test_toolchain_channel_then_rust_version(
    tmp_path: Path, toolchain: str | None, expected: Constraint
) -> None:
    (tmp_path / "Cargo.toml").write_text(CARGO)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.rs").write_text("fn main() {}\n")
    if toolchain is not None:
        (tmp_path / "rust-toolchain.toml").write_text(f'[toolchain]\nchannel = "{toolchain}"\n')
    assert detect(ProjectFiles(tmp_path), RUST).runtime == expected


def test_a_named_channel_without_rust_version_is_kept(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n')
    (tmp_path / "rust-toolchain").write_text("nightly\n")  # the legacy one-line file
    runtime = detect(ProjectFiles(tmp_path), RUST).runtime
    assert runtime == Constraint("any", "nightly", "rust-toolchain channel")
