"""cargo-auditable's .dep-v0 section in Rust programs."""

from __future__ import annotations

import json
import zlib

from imagetailor.analysis import analyze, elf
from imagetailor.analysis.analyzers import cargo
from imagetailor.analysis.analyzers.interface import Context
from imagetailor.analysis.analyzers.registry import REGISTRY
from tests.analysis.analyzers.samples import RUST_CRATES, dep_v0, elf_with_section
from tests.imagefactory import File, ImageSpec, LayerSpec, memory_image


def crates(program: bytes) -> tuple[list[tuple[str, str, str]], list[str]]:
    summary = elf.summarize(program, REGISTRY.elf_sections)
    section = elf.section(summary, cargo.SECTION)
    context = Context()
    found = [(f.name, f.version, f.purl) for f in cargo.collect("bin/x", section, context)]
    return found, context.warnings


def test_runtime_crates_only_as_syft_lists_them() -> None:
    assert crates(elf_with_section(".dep-v0", dep_v0(RUST_CRATES))) == (
        [
            ("hello", "0.1.0", "pkg:cargo/hello@0.1.0"),
            ("serde", "1.0.195", "pkg:cargo/serde@1.0.195"),
            ("itoa", "1.0.10", "pkg:cargo/itoa@1.0.10"),
        ],
        [],
    )


def test_programs_without_the_section_have_no_entry() -> None:
    summary = elf.summarize(elf_with_section(".comment", b"GCC"), REGISTRY.elf_sections)
    assert elf.section(summary, cargo.SECTION) is None
    assert elf.parse(summary) is not None  # the start check's summary is unchanged


def test_bad_sections_warn() -> None:
    assert crates(elf_with_section(".dep-v0", b"not zlib")) == (
        [], ["/bin/x: the dependency list is unreadable (error); its crates are not listed"]
    )  # fmt: skip
    bomb = zlib.compress(b"[" * (cargo.MAX_INFLATED_BYTES + 10))
    assert crates(elf_with_section(".dep-v0", bomb))[1] == [
        "/bin/x: the dependency list inflates beyond the bound; its crates are not listed"
    ]
    not_a_list = zlib.compress(json.dumps({"packages": {"a": 1}}).encode())
    assert crates(elf_with_section(".dep-v0", not_a_list))[1] == [
        "/bin/x: the dependency list has no packages; its crates are not listed"
    ]
    odd = dep_v0([{"name": 3, "version": "1"}, "x", {"name": "ok", "version": "2"}])
    assert crates(elf_with_section(".dep-v0", odd)) == ([("ok", "2", "pkg:cargo/ok@2")], [])


def test_truncated_elf_keeps_the_start_summary_and_finds_nothing() -> None:
    program = elf_with_section(".dep-v0", dep_v0(RUST_CRATES))
    summary = elf.summarize(program[:100], REGISTRY.elf_sections)
    assert elf.section(summary, cargo.SECTION) is None


def test_in_an_image_where_programs_live() -> None:
    program = elf_with_section(".dep-v0", dep_v0(RUST_CRATES))
    spec = ImageSpec([LayerSpec([File("usr/local/bin/hello", program, mode=0o755)])])
    found = [(p.manager, p.name, p.path, p.layer) for p in analyze(memory_image(spec)).packages]
    assert found == [
        ("cargo", "hello", "/usr/local/bin/hello", 0),
        ("cargo", "itoa", "/usr/local/bin/hello", 0),
        ("cargo", "serde", "/usr/local/bin/hello", 0),
    ]
