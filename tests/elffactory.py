"""Tiny ELF files for tests, written from the ELF-64 spec (System V gABI): a header, program
headers (PT_LOAD over the whole file, PT_INTERP, PT_DYNAMIC) and a dynamic section with
DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_STRTAB, DT_STRSZ. No code, no sections: just what the
loader (and pyelftools) reads to know what a program needs. ``size`` pads the file to an exact
length so tests can assert exact byte totals."""

from __future__ import annotations

import struct

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_RPATH, DT_RUNPATH = 0, 1, 5, 10, 15, 29
EM_X86_64 = 62
_EHDR, _PHDR, _DYN = 64, 56, 16


def elf(
    *,
    interp: str | None = None,
    needed: tuple[str, ...] = (),
    runpath: str | None = None,
    rpath: str | None = None,
    shared: bool = False,
    size: int = 0,
    machine: int = EM_X86_64,
) -> bytes:
    dynamic = bool(needed or runpath or rpath or interp)
    phnum = 1 + (interp is not None) + dynamic
    offset = _EHDR + phnum * _PHDR
    interp_bytes = interp.encode() + b"\0" if interp is not None else b""
    interp_at = offset
    offset += len(interp_bytes)
    strtab = bytearray(b"\0")

    def string(text: str) -> int:
        at = len(strtab)
        strtab.extend(text.encode() + b"\0")
        return at

    tags = [(DT_NEEDED, string(name)) for name in needed]
    if rpath is not None:
        tags.append((DT_RPATH, string(rpath)))
    if runpath is not None:
        tags.append((DT_RUNPATH, string(runpath)))
    strtab_at = offset
    offset += len(strtab)
    offset += -offset % 8
    tags += [(DT_STRTAB, strtab_at), (DT_STRSZ, len(strtab)), (DT_NULL, 0)]
    dynamic_at = offset
    dynamic_bytes = b"".join(struct.pack("<qQ", tag, value) for tag, value in tags)
    end = dynamic_at + (len(dynamic_bytes) if dynamic else 0)
    total = max(size, end)
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # 64-bit, little endian, version 1
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH",
        3 if shared else 2, machine, 1, 0, _EHDR, 0, 0, _EHDR, _PHDR, phnum, 64, 0, 0
    )  # fmt: skip
    phdrs = [struct.pack("<IIQQQQQQ", PT_LOAD, 5, 0, 0, 0, total, total, 0x1000)]
    if interp is not None:
        n = len(interp_bytes)
        phdrs.append(struct.pack("<IIQQQQQQ", PT_INTERP, 4, interp_at, interp_at, interp_at,
                                 n, n, 1))  # fmt: skip
    if dynamic:
        n = len(dynamic_bytes)
        phdrs.append(struct.pack("<IIQQQQQQ", PT_DYNAMIC, 6, dynamic_at, dynamic_at, dynamic_at,
                                 n, n, 8))  # fmt: skip
    body = bytearray(header + b"".join(phdrs))
    body += interp_bytes
    body += strtab
    body += bytes(dynamic_at - len(body))
    if dynamic:
        body += dynamic_bytes
    body += bytes(total - len(body))
    if size and len(body) != size:
        raise ValueError(f"an ELF with these entries needs {len(body)} bytes, more than {size}")
    return bytes(body)
