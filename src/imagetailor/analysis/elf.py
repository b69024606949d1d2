"""ELF facts the start check needs, read with pyelftools while the layer streams by: the program
interpreter (PT_INTERP), the libraries it needs (DT_NEEDED) and where it looks for them
(DT_RPATH, DT_RUNPATH), for executables in the usual bin folders and for every shared object.

Only the summary is kept (a few hundred bytes per file, stored where package readers keep their
content), never the file: it rides on the merged tree, so a later layer that replaces or
deletes the file replaces or deletes the summary with it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_ELF_BYTES = 64 << 20  # larger files are judged from what this much shows (often all of it)
SUMMARY_MARK = b"\x7fELF-summary\n"
MAX_SHEBANG = 256  # bytes of a script's head read for its #! line
_BIN_DIRS = ("bin/", "sbin/", "usr/bin/", "usr/sbin/", "usr/local/bin/", "usr/local/sbin/",
             "nodejs/bin/", "app/", "opt/")  # fmt: skip


def wanted(path: str, mode: int) -> bool:
    """Whether an ELF file at ``path`` (relative to the root) is summarised: shared objects
    anywhere (libraries, Python extension modules, Node addons), executables where programs
    live (bin folders, the app's own folder)."""
    base = path[path.rfind("/") + 1 :]
    if base.endswith((".so", ".node")) or ".so." in base:
        return True
    # At the root too: a static program copied into scratch (/server, /app) is its whole image;
    # and in any bin/ folder (a JRE's /usr/lib/jvm/X/bin/java, which /usr/bin/java links to).
    return bool(mode & 0o111) and (path.startswith(_BIN_DIRS) or "/" not in path or "/bin/" in path)


def shebang_line(data: bytes) -> bytes:
    """The ``#!`` line of a script (kept on the tree in place of its content)."""
    return data[:MAX_SHEBANG].split(b"\n", 1)[0]


@dataclass(frozen=True)
class ElfInfo:
    interpreter: str | None
    needed: tuple[str, ...]
    rpath: tuple[str, ...]
    runpath: tuple[str, ...]
    machine: str
    complete: bool  # False: the dynamic section was not in the bytes read


def summarize(
    data: bytes, sections: Mapping[str, Callable[[bytes], object]] | None = None
) -> bytes:
    """The summary of an ELF file's bytes (what ``parse`` reads back), never raising.

    ``sections``: section name -> reader of its bytes (analyzers/: cargo-auditable's crate
    list); what a reader returns is kept in the summary (``section`` reads it back)."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.dynamic import DynamicSegment
    from elftools.elf.elffile import ELFFile
    from elftools.elf.segments import InterpSegment

    info: dict[str, object] = {"needed": [], "rpath": [], "runpath": [], "complete": False}
    try:
        elf = ELFFile(io.BytesIO(data))
        info["machine"] = str(elf["e_machine"])
        for segment in elf.iter_segments():
            if isinstance(segment, InterpSegment):
                info["interp"] = segment.get_interp_name()
            elif isinstance(segment, DynamicSegment):
                for tag in segment.iter_tags():
                    if tag.entry.d_tag == "DT_NEEDED":
                        info["needed"].append(tag.needed)  # type: ignore[attr-defined]
                    elif tag.entry.d_tag == "DT_RPATH":
                        info["rpath"] = tag.rpath.split(":")  # type: ignore[attr-defined]
                    elif tag.entry.d_tag == "DT_RUNPATH":
                        info["runpath"] = tag.runpath.split(":")  # type: ignore[attr-defined]
        info["complete"] = True
        if sections:
            info["sections"] = _sections(elf, sections)
    except (ELFError, ValueError, KeyError, IndexError, AttributeError, TypeError, OSError):
        info["complete"] = False
    except Exception:
        info["complete"] = False
    return SUMMARY_MARK + json.dumps(info, separators=(",", ":")).encode()


def _sections(elf: object, readers: Mapping[str, Callable[[bytes], object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    # The section name table first (one small section): a lookup by name would parse every
    # section header, a third more time per summary, for the rare program that has the section.
    try:
        names = elf.get_section(elf["e_shstrndx"]).data()  # type: ignore[attr-defined,index]
    except Exception:
        return found
    for name, read in readers.items():
        if name.encode() + b"\0" not in names:
            continue
        section = elf.get_section_by_name(name)  # type: ignore[attr-defined]
        # A section that lies beyond the bytes read (or is NOBITS) gives short data: the
        # reader judges what it gets, and a reader that raises only loses its own entry.
        if section is not None and section["sh_type"] != "SHT_NOBITS":
            try:
                found[name] = read(section.data())
            except Exception:
                found[name] = {"error": "the section is unreadable"}
    return found


def section(summary: bytes, name: str) -> bytes | None:
    """What the reader of section ``name`` kept in this summary, as JSON bytes (None: absent)."""
    if not summary.startswith(SUMMARY_MARK) or name.encode() not in summary:
        return None  # the name test spares parsing the JSON of almost every summary
    try:
        info = json.loads(summary[len(SUMMARY_MARK) :])
    except ValueError:
        return None
    sections = info.get("sections")
    if not isinstance(sections, dict) or name not in sections:
        return None
    return json.dumps(sections[name]).encode()


def parse(summary: bytes | None) -> ElfInfo | None:
    if summary is None or not summary.startswith(SUMMARY_MARK):
        return None
    try:
        info = json.loads(summary[len(SUMMARY_MARK) :])
    except ValueError:
        return None

    def strings(key: str) -> tuple[str, ...]:
        value = info.get(key) or []
        return tuple(v for v in value if isinstance(v, str))

    interp = info.get("interp")
    return ElfInfo(
        interpreter=interp if isinstance(interp, str) else None,
        needed=strings("needed"),
        rpath=strings("rpath"),
        runpath=strings("runpath"),
        machine=str(info.get("machine", "")),
        complete=bool(info.get("complete")),
    )
