"""The start check: what an interpreter runs must exist, and every shared library a program (or
an extension it loads) needs must resolve, on images whose every byte the test chose. The ELF
files are the host's own /bin/ls and its libraries (real DT_NEEDED, PT_INTERP, symlinks)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imagetailor.analysis import analyze
from imagetailor.policy.evaluate import evaluate
from imagetailor.policy.settings import resolve
from tests.imagefactory import Dir, File, ImageSpec, LayerSpec, Symlink, Whiteout, memory_image

LIBDIR = "usr/lib/x86_64-linux-gnu"
LS_LIBS = ["libselinux.so.1", "libc.so.6", "libpcre2-8.so.0"]


def host(path: str) -> bytes:
    return Path(os.path.realpath(path)).read_bytes()


def libc_layer(skip: tuple[str, ...] = ()) -> list[object]:
    entries: list[object] = [Dir("usr"), Dir("usr/lib"), Dir(LIBDIR), Dir("lib64"), Dir("bin")]
    entries.append(Symlink("lib", "usr/lib"))
    for name in [*LS_LIBS, "ld-linux-x86-64.so.2"]:
        if name not in skip:
            entries.append(File(f"{LIBDIR}/{name}", host(f"/lib/x86_64-linux-gnu/{name}"), 0o755))
    if "ld-linux-x86-64.so.2" not in skip:
        entries.append(Symlink("lib64/ld-linux-x86-64.so.2", f"/{LIBDIR}/ld-linux-x86-64.so.2"))
    return entries


def findings(spec: ImageSpec, purpose: str = "deploy") -> list[tuple[str, str]]:
    analysis = analyze(memory_image(spec))
    report = evaluate(analysis, resolve(purpose))
    return [(f.rule, f.path or "") for f in report.findings if f.rule in ("TP205", "TP206")]


@pytest.fixture(autouse=True)
def _needs_host_libs() -> None:
    if not Path("/lib/x86_64-linux-gnu/libselinux.so.1").exists():
        pytest.fail("this test reads the host's /bin/ls and its libraries (Debian x86_64)")


def ls_image(skip: tuple[str, ...] = (), extra: list[object] | None = None) -> ImageSpec:
    ls = File("usr/bin/ls", host("/bin/ls"), 0o755)
    layers = [LayerSpec(libc_layer(skip)), LayerSpec([Dir("usr/bin"), ls, *(extra or [])])]
    return ImageSpec(layers, user="65532", entrypoint=["/usr/bin/ls"])


def test_every_library_resolves() -> None:
    assert findings(ls_image()) == []


def test_a_missing_library_and_a_missing_loader_are_named() -> None:
    assert findings(ls_image(skip=("libpcre2-8.so.0",))) == [("TP206", "libpcre2-8.so.0")]
    missing = findings(ls_image(skip=("ld-linux-x86-64.so.2",)))
    assert ("TP206", "/lib64/ld-linux-x86-64.so.2") in missing


def test_a_later_layer_deleting_a_library_is_seen() -> None:
    spec = ls_image()
    spec.layers.append(LayerSpec([Whiteout(f"{LIBDIR}/libselinux.so.1")]))
    assert findings(spec) == [("TP206", "libselinux.so.1")]


def test_rpath_origin_and_ld_library_path() -> None:
    """A library in the program's own folder is found through LD_LIBRARY_PATH only."""
    spec = ls_image(skip=("libpcre2-8.so.0",))
    pcre = File("opt/vendor/libpcre2-8.so.0", host("/lib/x86_64-linux-gnu/libpcre2-8.so.0"))
    spec.layers.append(LayerSpec([Dir("opt"), Dir("opt/vendor"), pcre]))
    assert findings(spec) == [("TP206", "libpcre2-8.so.0")]
    spec.env = [*spec.env, "LD_LIBRARY_PATH=/opt/vendor"]
    assert findings(spec) == []


def python_image(files: dict[str, str], argv: list[str], env: list[str] | None = None) -> ImageSpec:
    """A stand-in "interpreter" (ls, a real ELF) named python3, the app's files under /app."""
    py = File("usr/bin/python3.11", host("/bin/ls"), 0o755)
    app = [Dir("app"), *(File(f"app/{k}", v) for k, v in files.items())]
    dirs = sorted({f"app/{k.rsplit('/', 1)[0]}" for k in files if "/" in k})
    layers = [
        LayerSpec(libc_layer()),
        LayerSpec([Dir("usr/bin"), py, Symlink("usr/bin/python3", "python3.11")]),
        LayerSpec([Dir("opt"), Dir("opt/deps"), *app[:1], *(Dir(d) for d in dirs), *app[1:]]),
    ]
    return ImageSpec(
        layers,
        user="65532",
        entrypoint=argv,
        workdir="/app",
        env=[*(env or []), "PATH=/usr/bin", "PYTHONPATH=/opt/deps:/app"],
    )


@pytest.mark.parametrize(
    ("files", "argv", "missing"),
    [
        ({"main.py": "print(1)"}, ["/usr/bin/python3", "/app/main.py"], None),
        ({}, ["/usr/bin/python3", "/app/main.py"], "/app/main.py"),
        ({"shop/__init__.py": "", "shop/__main__.py": ""}, ["python3", "-m", "shop"], None),
        ({"shop/__init__.py": ""}, ["python3", "-m", "shop"], "shop"),
        (
            {"mysite/__init__.py": "", "mysite/wsgi.py": ""},
            ["/usr/bin/python3", "-m", "gunicorn", "--workers", "2", "mysite.wsgi:application"],
            "gunicorn",
        ),
        (
            {"cli.py": ""},
            ["/usr/bin/python3", "-c", "import sys;from shop.cli import main"],
            "shop.cli",
        ),
    ],
)
def test_python_targets(files: dict[str, str], argv: list[str], missing: str | None) -> None:
    expected = [] if missing is None else [("TP205", missing)]
    assert findings(python_image(files, argv)) == expected


def test_a_server_app_module_is_checked_too() -> None:
    files = {
        "gunicorn/__init__.py": "",
        "gunicorn/__main__.py": "",
        "mysite/__init__.py": "",
    }
    argv = ["/usr/bin/python3", "-m", "gunicorn", "-b", "0.0.0.0:8000", "mysite.wsgi:application"]
    assert findings(python_image(files, argv)) == [("TP205", "mysite.wsgi")]
    files["mysite/wsgi.py"] = ""
    assert findings(python_image(files, argv)) == []


def test_the_launcher_is_read_through() -> None:
    from imagetailor.languages.pystart import LAUNCHER

    argv = ["/usr/bin/python3", "-c", LAUNCHER, "-m", "app_pkg", "--port", "${PORT:-8000}"]
    assert findings(python_image({}, argv)) == [("TP205", "app_pkg")]
    files = {"app_pkg/__init__.py": "", "app_pkg/__main__.py": ""}
    assert findings(python_image(files, argv)) == []


def test_an_extension_module_missing_its_library() -> None:
    """A compiled wheel's .so in /opt/deps that links a library the runtime lacks."""
    spec = python_image({"main.py": ""}, ["/usr/bin/python3", "/app/main.py"])
    ext = File("opt/deps/_speedups.cpython-311-x86_64-linux-gnu.so", host("/bin/ls"))
    spec.layers.append(LayerSpec([ext]))
    assert findings(spec) == []
    spec.layers.append(LayerSpec([Whiteout(f"{LIBDIR}/libpcre2-8.so.0")]))
    assert findings(spec) == [("TP206", "libpcre2-8.so.0")]


@pytest.mark.parametrize(
    ("files", "args", "missing"),
    [
        ({"dist/index.js": ""}, ["dist/index.js"], None),
        ({"dist/index.js": ""}, ["dist/index"], None),
        ({"dist/index.js": ""}, ["--enable-source-maps", "dist"], None),
        ({"src/server.ts": ""}, ["dist/index.js"], "/app/dist/index.js"),
        ({"public/index.html": ""}, ["-e", "/*tailor_static*/", "/app/public"], None),
        ({"public/app.js": ""}, ["-e", "/*tailor_static*/", "/app/public"], "/app/public"),
    ],
)
def test_node_targets(files: dict[str, str], args: list[str], missing: str | None) -> None:
    spec = python_image(files, ["/nodejs/bin/node", *args])
    node = File("nodejs/bin/node", host("/bin/ls"), 0o755)
    spec.layers.append(LayerSpec([Dir("nodejs"), Dir("nodejs/bin"), node]))
    expected = [] if missing is None else [("TP205", missing)]
    assert findings(spec) == expected


def test_a_folder_the_user_cannot_read_hides_its_modules() -> None:
    """A build step that leaves /opt at 0700: every import from /opt/deps fails as nonroot
    (seen when cp --parents made the folder); as root the same image would start."""
    files = {"shop/__init__.py": "", "shop/__main__.py": ""}
    spec = python_image(files, ["/usr/bin/python3", "-m", "gunicorn", "shop.wsgi"])
    gunicorn = [File("opt/deps/gunicorn/__init__.py"), File("opt/deps/gunicorn/__main__.py")]
    spec.layers.append(
        LayerSpec([Dir("opt", mode=0o700), Dir("opt/deps"), Dir("opt/deps/gunicorn"), *gunicorn])
    )
    problems = findings(spec)
    assert ("TP205", "/opt/deps") in problems
    assert all("cannot read" in m for m in messages(spec))
    spec.user = "0"
    assert ("TP205", "/opt/deps") not in findings(spec)


def test_the_user_is_read_from_passwd_and_group() -> None:
    passwd = "root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"
    spec = python_image({"main.py": ""}, ["/usr/bin/python3", "/app/main.py"])
    spec.layers.append(
        LayerSpec([Dir("etc"), File("etc/passwd", passwd), File("app/main.py", "", 0o600)])
    )
    spec.user = "nonroot"
    assert findings(spec) == [("TP205", "/app/main.py")]
    spec.user = "root"
    assert findings(spec) == []


def messages(spec: ImageSpec) -> list[str]:
    analysis = analyze(memory_image(spec))
    return [p.message for p in analysis.config.start_problems]


def _retargeted(machine: int | None = None, musl: bool = False) -> bytes:
    """The host's /bin/ls as another platform's prebuilt addon would be: its e_machine changed
    (aarch64), or its loader named as musl's (DT_NEEDED unchanged, so both still 'need' the
    libraries the test removes)."""
    data = bytearray(host("/bin/ls"))
    if machine is not None:
        data[18:20] = machine.to_bytes(2, "little")
    if musl:
        glibc = b"/lib64/ld-linux-x86-64.so.2"
        at = data.index(glibc)
        data[at : at + len(glibc)] = b"/lib/ld-musl-x86_64.so.1".ljust(len(glibc), b"\0")
    return bytes(data)


def test_prebuilt_addons_for_other_platforms_are_not_loaded() -> None:
    """bcrypt and friends ship prebuilds/linux-arm64/*.node and *.musl.node beside the one for
    this platform: node never opens them, so their libraries are not the image's problem. (node
    is the host's /bin/true here: it needs libc only; the addons, ls's bytes, need libselinux.)"""
    spec = python_image({"server.js": ""}, ["/nodejs/bin/node", "server.js"])
    node = File("nodejs/bin/node", host("/bin/true"), 0o755)
    prebuilds = "app/node_modules/bcrypt/prebuilds"
    addons = [
        Dir("app/node_modules"), Dir("app/node_modules/bcrypt"), Dir(prebuilds),
        File(f"{prebuilds}/bcrypt.arm64.node", _retargeted(machine=183)),
        File(f"{prebuilds}/bcrypt.musl.node", _retargeted(musl=True)),
    ]  # fmt: skip
    spec.layers.append(LayerSpec([Dir("nodejs"), Dir("nodejs/bin"), node, *addons]))
    spec.layers.append(LayerSpec([Whiteout(f"{LIBDIR}/libselinux.so.1")]))
    assert findings(spec) == []
    # This platform's own addon is loaded: its missing library is found.
    glibc = File(f"{prebuilds}/bcrypt.glibc.node", host("/bin/ls"))
    spec.layers[-1] = LayerSpec([glibc, Whiteout(f"{LIBDIR}/libselinux.so.1")])
    assert findings(spec) == [("TP206", "libselinux.so.1")]
    assert any("bcrypt.glibc.node" in m for m in _messages(spec))


def _messages(spec: ImageSpec) -> list[str]:
    analysis = analyze(memory_image(spec))
    report = evaluate(analysis, resolve("deploy"))
    return [f.message for f in report.findings if f.rule == "TP206"]
