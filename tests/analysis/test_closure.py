"""The closure of the start command (`needed`): exact byte totals on images whose every byte the
test chose, with ELF files written from the spec (tests/elffactory.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagetailor.analysis import analyze
from imagetailor.analysis.closure import closure_data
from imagetailor.analysis.model import NeededBytes
from imagetailor.errors import UsageError
from imagetailor.report.inspect import render_inspect
from tests.elffactory import elf
from tests.imagefactory import Dir, File, Hardlink, ImageSpec, LayerSpec, Symlink, memory_image

LD = "/lib64/ld-linux-x86-64.so.2"
LIB = "usr/lib/x86_64-linux-gnu"


def needed_of(spec: ImageSpec) -> NeededBytes:
    analysis = analyze(memory_image(spec))
    assert analysis.needed is not None
    return analysis.needed


def glibc(extra: tuple[str, ...] = ()) -> list[object]:
    """A C library: libc (1000 bytes), the loader (900) and ``extra`` sonames (500 each)."""
    entries: list[object] = [Dir("usr"), Dir("usr/lib"), Dir(LIB), Dir("lib64")]
    entries.append(Symlink("lib", "usr/lib"))
    entries.append(File(f"{LIB}/libc.so.6", elf(shared=True, size=1000), 0o755))
    entries.append(File(f"{LIB}/ld-linux-x86-64.so.2", elf(shared=True, size=900), 0o755))
    entries.append(Symlink("lib64/ld-linux-x86-64.so.2", f"/{LIB}/ld-linux-x86-64.so.2"))
    for name in extra:
        entries.append(File(f"{LIB}/{name}", elf(shared=True, needed=("libc.so.6",), size=500)))
    return entries


def docs(size: int = 7000) -> list[object]:
    return [Dir("usr/share"), Dir("usr/share/doc"), File("usr/share/doc/README", b"d" * size)]


def test_a_static_program_alone_needs_scratch() -> None:
    spec = ImageSpec([LayerSpec([File("server", elf(size=3000), 0o755)])], entrypoint=["/server"])
    needed = needed_of(spec)
    assert (needed.needed_bytes, needed.file_count) == (3000, 1)
    assert needed.smallest_base == "scratch"
    assert needed.libraries == [] and needed.runtime is None


def test_a_static_program_with_certificates_needs_distroless_static() -> None:
    certs = [Dir("etc"), Dir("etc/ssl"), Dir("etc/ssl/certs")]
    certs.append(File("etc/ssl/certs/ca-certificates.crt", b"c" * 200))
    layers = [LayerSpec(certs), LayerSpec([File("server", elf(size=3000), 0o755), *docs()])]
    needed = needed_of(ImageSpec(layers, entrypoint=["/server"]))
    assert needed.needed_bytes == 3200
    assert needed.smallest_base == "gcr.io/distroless/static-debian12"
    assert [(u.path, u.size_bytes) for u in needed.largest_unneeded] == [("/usr/share/doc", 7000)]


def app_chain(extra_needed: tuple[str, ...] = ()) -> list[object]:
    """/opt/app/bin/app -> liba (RUNPATH $ORIGIN/../lib) -> libb (RUNPATH $ORIGIN) -> libc."""
    return [
        Dir("opt"), Dir("opt/app"), Dir("opt/app/bin"), Dir("opt/app/lib"),
        File("opt/app/bin/app", elf(interp=LD, needed=("liba.so.1", "libc.so.6", *extra_needed),
                                    runpath="$ORIGIN/../lib", size=4000), 0o755),
        File("opt/app/lib/liba.so.1", elf(shared=True, needed=("libb.so.1",),
                                          runpath="$ORIGIN", size=2000)),
        File("opt/app/lib/libb.so.1", elf(shared=True, needed=("libc.so.6",), size=1500)),
        File("opt/app/lib/libunused.so.1", elf(shared=True, size=800)),
    ]  # fmt: skip


def test_a_library_chain_through_runpath_origin() -> None:
    layers = [LayerSpec(glibc(("libstdc++.so.6",))), LayerSpec([*app_chain(), *docs()])]
    needed = needed_of(ImageSpec(layers, entrypoint=["/opt/app/bin/app"]))
    # app 4000 + liba 2000 + libb 1500 + libc 1000 + loader 900; not libunused, not libstdc++
    assert needed.needed_bytes == 9400
    assert needed.libraries == ["liba.so.1", "libb.so.1", "libc.so.6"]
    assert needed.smallest_base == "gcr.io/distroless/base-debian12"
    unneeded = {u.path: u.size_bytes for u in needed.largest_unneeded}
    assert unneeded == {"/usr/share/doc": 7000, f"/{LIB}": 500, "/opt/app/lib": 800}
    assert needed.unresolved == [] and needed.complete


def test_the_cpp_runtime_needs_distroless_cc() -> None:
    layers = [LayerSpec(glibc(("libstdc++.so.6", "libgcc_s.so.1"))), LayerSpec(app_chain())]
    spec = ImageSpec(layers, entrypoint=["/opt/app/bin/app"])
    spec.layers[1].entries[4] = File(
        "opt/app/bin/app",
        elf(interp=LD, needed=("liba.so.1", "libstdc++.so.6", "libgcc_s.so.1"),
            runpath="$ORIGIN/../lib", size=4000),
        0o755,
    )  # fmt: skip
    needed = needed_of(spec)
    assert needed.needed_bytes == 9400 + 1000
    assert needed.smallest_base == "gcr.io/distroless/cc-debian12"


def python_image(cmd: list[str]) -> ImageSpec:
    py = "usr/local/lib/python3.12"
    runtime = [
        Dir("usr/local"), Dir("usr/local/bin"), Dir("usr/local/lib"), Dir(py),
        Dir(f"{py}/lib-dynload"), Dir(f"{py}/site-packages"), Dir(f"{py}/site-packages/flask"),
        File("usr/local/bin/python3.12", elf(interp=LD, needed=("libpython3.12.so.1.0",
             "libc.so.6"), runpath="$ORIGIN/../lib", size=3000), 0o755),
        Symlink("usr/local/bin/python3", "python3.12"),
        File("usr/local/lib/libpython3.12.so.1.0", elf(shared=True, needed=("libc.so.6",),
             size=6000)),
        File(f"{py}/os.py", b"o" * 400),
        File(f"{py}/lib-dynload/_ssl.cpython-312-x86_64-linux-gnu.so",
             elf(shared=True, needed=("libssl.so.3",), size=1200)),
        File(f"{py}/site-packages/flask/__init__.py", b"f" * 300),
        File("usr/local/bin/gunicorn", b"#!/usr/local/bin/python3\nimport sys\n", 0o755),
        Dir("usr/local/include"), File("usr/local/include/Python.h", b"h" * 5000),
    ]  # fmt: skip
    app = [Dir("app"), File("app/app.py", b"a" * 100)]
    layers = [LayerSpec(glibc(("libssl.so.3",))), LayerSpec(runtime), LayerSpec([*app, *docs()])]
    return ImageSpec(layers, cmd=cmd, workdir="/app")


def test_python_its_lib_tree_packages_and_the_app() -> None:
    needed = needed_of(python_image(["python3", "app.py"]))
    # python 3000 + libpython 6000 + os.py 400 + _ssl 1200 + flask 300 + app 100
    # + libssl 500 + libc 1000 + loader 900 (not the headers, not gunicorn, not the docs)
    assert needed.needed_bytes == 13400
    assert needed.runtime == "python"
    assert needed.smallest_base == "gcr.io/distroless/python3-debian12"
    assert "libssl.so.3" in needed.libraries


def test_a_script_entrypoint_follows_its_shebang() -> None:
    needed = needed_of(python_image(["gunicorn", "app:app"]))
    assert needed.runtime == "python"
    assert needed.needed_bytes == 13400 + len(b"#!/usr/local/bin/python3\nimport sys\n")


def test_java_its_jre_and_a_library_the_launcher_opens_itself() -> None:
    """libjava.so needs libjvm.so, which is in lib/server: found because the launcher loaded
    it (dlopen by path), as ld.so reuses a loaded object of that name."""
    jre = "usr/lib/jvm/jre"
    runtime = [
        Dir("usr/bin"), Dir("usr/lib/jvm"), Dir(jre), Dir(f"{jre}/bin"), Dir(f"{jre}/lib"),
        Dir(f"{jre}/lib/server"),
        File(f"{jre}/bin/java", elf(interp=LD, needed=("libjli.so", "libc.so.6"),
             runpath="$ORIGIN/../lib", size=1000), 0o755),
        Symlink("usr/bin/java", f"/{jre}/bin/java"),
        File(f"{jre}/lib/libjli.so", elf(shared=True, needed=("libc.so.6",), size=700)),
        File(f"{jre}/lib/libjava.so", elf(shared=True, needed=("libjvm.so",), runpath="$ORIGIN",
             size=800)),
        File(f"{jre}/lib/server/libjvm.so", elf(shared=True, needed=("libstdc++.so.6",),
             size=9000)),
        File(f"{jre}/lib/modules", b"m" * 3000),
    ]  # fmt: skip
    app = [Dir("app"), File("app/app.jar", b"j" * 500)]
    layers = [LayerSpec(glibc(("libstdc++.so.6",))), LayerSpec([*runtime, *app, *docs()])]
    spec = ImageSpec(layers, entrypoint=["java", "-jar", "app.jar"], workdir="/app")
    needed = needed_of(spec)
    assert needed.runtime == "java" and needed.unresolved == []
    assert needed.smallest_base == "gcr.io/distroless/java17-debian12"
    # the JRE 14500, the jar 500, libstdc++ 500, libc 1000, the loader 900
    assert needed.needed_bytes == 14500 + 500 + 500 + 1000 + 900
    assert needed.libraries == ["libc.so.6", "libjli.so", "libjvm.so", "libstdc++.so.6"]


def test_a_kitchen_image_needs_a_fraction() -> None:
    """A Debian-like build image shipped as is: gcc, headers and docs are not needed."""
    toolchain = [
        Dir("usr/bin"), Dir("usr/lib/gcc"), Dir("usr/lib/gcc/x86_64-linux-gnu"),
        Dir("usr/lib/gcc/x86_64-linux-gnu/12"),
        File("usr/bin/gcc-12", elf(interp=LD, needed=("libc.so.6",), size=9000), 0o755),
        Hardlink("usr/bin/x86_64-linux-gnu-gcc-12", "usr/bin/gcc-12"),
        File("usr/lib/gcc/x86_64-linux-gnu/12/cc1", elf(interp=LD, needed=("libc.so.6",),
             size=30000), 0o755),
        Dir("usr/include"), File("usr/include/stdio.h", b"s" * 4000),
        *docs(20000),
    ]  # fmt: skip
    program = File("usr/local/bin/api", elf(interp=LD, needed=("libc.so.6",), size=5000), 0o755)
    layers = [LayerSpec(glibc()), LayerSpec(toolchain)]
    layers.append(LayerSpec([Dir("usr/local"), Dir("usr/local/bin"), program]))
    analysis = analyze(memory_image(ImageSpec(layers, entrypoint=["api"])))
    needed = analysis.needed
    assert needed is not None
    assert needed.needed_bytes == 5000 + 1000 + 900
    assert analysis.final_size_bytes == 5000 + 1000 + 900 + 9000 + 30000 + 4000 + 20000
    assert [(u.path, u.size_bytes) for u in needed.largest_unneeded] == [
        ("/usr/lib/gcc", 30000), ("/usr/share/doc", 20000), ("/usr/bin", 9000),
        ("/usr/include", 4000),
    ]  # fmt: skip
    assert needed.smallest_base == "gcr.io/distroless/base-debian12"
    text = render_inspect(analysis, "text", width=100)
    assert "needed (estimate)" in text and "6.9 kB of 69.9 kB" in text


# --- hostile ----------------------------------------------------------------------------------


def test_a_truncated_program_is_counted_and_judged_safely() -> None:
    program = elf(interp=LD, needed=("libc.so.6",), size=3000)[:90]
    spec = ImageSpec([LayerSpec([File("server", program, 0o755)])], entrypoint=["/server"])
    needed = needed_of(spec)
    assert needed.needed_bytes == 90 and not needed.complete
    assert needed.smallest_base == "gcr.io/distroless/cc-debian12"


def test_dt_needed_cycles_and_looping_symlinks_end() -> None:
    loop = [
        File(f"{LIB}/liba.so.1", elf(shared=True, needed=("libb.so.1", "libloop.so.1"), size=700)),
        File(f"{LIB}/libb.so.1", elf(shared=True, needed=("liba.so.1", "libc.so.6"), size=600)),
        Symlink(f"{LIB}/libloop.so.1", "libloop2.so.1"),
        Symlink(f"{LIB}/libloop2.so.1", "libloop.so.1"),
        Symlink("etc", "etc"),
    ]
    program = File("server", elf(interp=LD, needed=("liba.so.1",), size=3000), 0o755)
    needed = needed_of(ImageSpec([LayerSpec([*glibc(), *loop, program])], entrypoint=["/server"]))
    assert needed.needed_bytes == 3000 + 700 + 600 + 1000 + 900
    assert needed.unresolved == ["libloop.so.1"]


def test_paths_that_climb_out_stay_in_the_image() -> None:
    """A DT_NEEDED or RUNPATH with ../ or an absolute path resolves inside the root only."""
    program = File(
        "server",
        elf(interp="/../../../../lib64/ld-linux-x86-64.so.2",
            needed=("../../../../../etc/shadow", "/../../host/libc.so.6", "libc.so.6"),
            runpath="/../../../../..:$ORIGIN/../../..", size=3000),
        0o755,
    )  # fmt: skip
    spec = ImageSpec([LayerSpec([*glibc(), program])], entrypoint=["/server"])
    needed = needed_of(spec)
    assert needed.needed_bytes == 3000 + 1000 + 900
    assert needed.unresolved == ["../../../../../etc/shadow", "/../../host/libc.so.6"]


def test_no_command_no_figure_and_a_missing_program() -> None:
    spec = ImageSpec([LayerSpec([File("x", b"x")])])
    assert analyze(memory_image(spec)).needed is None
    spec.entrypoint = ["/nowhere"]
    needed = needed_of(spec)
    assert needed.needed_bytes == 0 and needed.smallest_base is None


def test_a_bad_pattern_in_the_users_closure_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "closure.toml"
    bad.write_text("[runtimes.python]\nprograms = ['(']\n")
    monkeypatch.setenv("TAILOR_CLOSURE", str(bad))
    with pytest.raises(UsageError, match="closure catalogue: runtime 'python'"):
        closure_data()
