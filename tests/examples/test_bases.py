"""The offline stand-in bases: the map, what each image holds, and the examples built on them."""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from imagetailor import engine as eng
from tests.conftest import DOCKER
from tests.examples.conftest import OFFLINE_BASES, OfflineBases, run_offline_bases
from tests.examples.test_example_suites import fetch, free_port

RECIPE_LABEL = "org.imagetailor.bases.recipe"
# The distroless runtimes the stand-ins replace, as gcr.io/distroless/NAME.
RUNTIMES = [
    "static-debian12",
    "static-debian13",
    "base-debian12",
    "base-debian13",
    "cc-debian12",
    "cc-debian13",
    "python3-debian12",
    "python3-debian13",
    "nodejs18-debian12",
    "nodejs20-debian13",
    "nodejs22-debian13",
    "java17-debian12",
]
DISTROLESS = [
    f"gcr.io/distroless/{name}{variant}"
    for name in RUNTIMES
    for variant in ("", ":latest", ":nonroot")
]
TOOLCHAINS = [
    "golang:1.19-bookworm",
    "golang:1.24-trixie",
    "rust:1.85-slim-bookworm",
    "php:8.2-cli-bookworm",
    "php:8.2-fpm-bookworm",
    "composer:2",
    "ruby:3.3-trixie",
    "ruby:3.3-slim-trixie",
    "nginx:stable-bookworm",
    "maven:3-eclipse-temurin-17",
    "python:3.11-slim-bookworm",
    "python:3.13-slim-trixie",
    "node:18-bookworm-slim",
    "node:20-trixie-slim",
    "node:22-trixie-slim",
]
DEBIAN = ["debian:bookworm-slim", "debian:trixie-slim", "alpine:3.20"]


def test_map_names_every_upstream_base_with_its_family(offline_bases: OfflineBases):
    assert offline_bases.stdout.strip().splitlines()[-1] == str(offline_bases.map_path)
    assert offline_bases.map_path.read_text().startswith("# written by scripts/offline-bases")
    entries = offline_bases.entries
    assert sorted(entries) == sorted([*DEBIAN, *TOOLCHAINS, *DISTROLESS])
    for upstream, entry in entries.items():
        assert set(entry) == {"image", "family"}, upstream
        assert entry["image"].startswith("imagetailor-bases/")
        assert entry["family"] == ("none" if "distroless" in upstream else "apt"), upstream
        labels = eng.inspect_image(entry["image"])["Config"]["Labels"] or {}
        assert len(labels.get(RECIPE_LABEL, "")) == 16, f"{entry['image']} has no recipe label"
    # Both distroless spellings of "root" point at the same image; nonroot is a different one.
    for name in RUNTIMES:
        plain = entries[f"gcr.io/distroless/{name}"]["image"]
        assert plain == entries[f"gcr.io/distroless/{name}:latest"]["image"]
        assert plain == f"imagetailor-bases/distroless-{name}:latest"
        assert entries[f"gcr.io/distroless/{name}:nonroot"]["image"].endswith(":nonroot")
    # alpine:3.20 keeps pointing at the bookworm stand-in, as before trixie existed.
    assert entries["alpine:3.20"] == entries["debian:bookworm-slim"]


def exported_members(image: str) -> dict[str, tarfile.TarInfo]:
    """The root filesystem of an image, as the engine exports it (paths without './')."""
    created = subprocess.run(
        # A command is needed to create a container from an image that names none (static).
        [DOCKER, "create", image, "/never-run"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    try:
        data = subprocess.run([DOCKER, "export", created], capture_output=True, check=True).stdout
    finally:
        subprocess.run([DOCKER, "rm", created], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        return {m.name.removeprefix("./").rstrip("/"): m for m in archive.getmembers()}


def resolve(members: dict[str, tarfile.TarInfo], path: str) -> str | None:
    """Follow symlinks (absolute or relative, with `..`, in any component) in the exported tree."""
    parts = path.strip("/").split("/")
    resolved: list[str] = []
    for _ in range(200):  # path components and symlink hops
        if not parts:
            return "/".join(resolved)
        part = parts.pop(0)
        if part in ("", "."):
            continue
        if part == "..":
            if resolved:
                resolved.pop()
            continue
        resolved.append(part)
        member = members.get("/".join(resolved))
        if member is None:
            return None
        if member.issym():
            resolved.pop()
            target = member.linkname
            base = [] if target.startswith("/") else resolved
            parts = [*base, *target.strip("/").split("/"), *parts]
            resolved = []
    return None


FORBIDDEN = (
    *("sh", "bash", "dash", "busybox"),
    *("apt", "apt-get", "apt-cache", "dpkg", "dpkg-deb", "dpkg-query"),
    *("pip", "pip3", "npm", "npx", "corepack"),
)


def kind_of(runtime: str) -> str:
    """static, base, cc, python3 or nodejs."""
    kind = runtime.split("-")[0]
    return "nodejs" if kind.startswith("nodejs") else kind


LIBC = ("libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2")
MULTIARCH = "usr/lib/x86_64-linux-gnu"


@pytest.fixture(scope="module")
def runtime_trees(offline_bases: OfflineBases) -> Callable[[str], dict[str, tarfile.TarInfo]]:
    """Each runtime's exported tree (nonroot), exported once per module."""
    trees: dict[str, dict[str, tarfile.TarInfo]] = {}

    def tree(name: str) -> dict[str, tarfile.TarInfo]:
        if name not in trees:
            trees[name] = exported_members(offline_bases.image(f"gcr.io/distroless/{name}:nonroot"))
        return trees[name]

    return tree


def read_member(image: str, path: str) -> str:
    """One file of an image, read through the engine (docker cp follows the image's symlinks)."""
    created = subprocess.run(
        [DOCKER, "create", image, "/never-run"], capture_output=True, text=True, check=True
    ).stdout.strip()
    try:
        data = subprocess.run(
            [DOCKER, "cp", f"{created}:{path}", "-"], capture_output=True, check=True
        ).stdout
    finally:
        subprocess.run([DOCKER, "rm", created], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        member = archive.next()
        assert member is not None
        extracted = archive.extractfile(member)
        assert extracted is not None, f"{path} in {image} is not a file"
        return extracted.read().decode()


@pytest.mark.parametrize("name", RUNTIMES)
def test_distroless_stand_ins_have_no_shell_no_package_manager(
    offline_bases: OfflineBases,
    runtime_trees: Callable[[str], dict[str, tarfile.TarInfo]],
    name: str,
):
    image = offline_bases.image(f"gcr.io/distroless/{name}:nonroot")
    members = runtime_trees(name)
    for directory in ("bin", "usr/bin", "sbin", "usr/sbin", "usr/local/bin"):
        for tool in FORBIDDEN:
            assert resolve(members, f"{directory}/{tool}") is None, (
                f"{image} has /{directory}/{tool}"
            )
    assert not any("site-packages/pip" in p or "dist-packages/pip" in p for p in members)
    assert not any(p.startswith(("var/lib/apt", "etc/apt", "var/cache/apt")) for p in members)
    assert not any(p.startswith("var/lib/dpkg/") and "status.d" not in p for p in members)
    passwd = members["etc/passwd"]
    assert passwd.isfile()
    assert members["tmp"].mode & 0o1777 == 0o1777
    assert (members["home/nonroot"].uid, members["home/nonroot"].gid) == (65532, 65532)
    config = eng.inspect_image(image)["Config"]
    assert config["User"] == "65532"
    assert config["WorkingDir"] == "/home/nonroot"
    assert eng.inspect_image(offline_bases.image(f"gcr.io/distroless/{name}"))["Config"][
        "User"
    ] in ("", "0")
    entrypoint = {
        "python3": ["/usr/bin/python3"],
        "nodejs": ["/nodejs/bin/node"],
        "java17": ["/usr/bin/java", "-jar"],
    }.get(kind_of(name))
    assert config["Entrypoint"] == entrypoint
    if entrypoint:
        target = resolve(members, entrypoint[0])
        assert target is not None and members[target].isfile()
        assert members[target].mode & 0o111
    assert len(eng.inspect_image(image)["RootFS"]["Layers"]) == 1


@pytest.mark.parametrize("name", RUNTIMES)
def test_distroless_stand_ins_carry_what_the_real_ones_do(
    offline_bases: OfflineBases,
    runtime_trees: Callable[[str], dict[str, tarfile.TarInfo]],
    name: str,
):
    """libc (all of libc6, not only what one binary links), OpenSSL, the C++ runtime where the
    real image has them; CA bundle, zoneinfo, users, os-release; status.d for SBOM tools."""
    image = offline_bases.image(f"gcr.io/distroless/{name}:nonroot")
    members = runtime_trees(name)
    version = name.rsplit("debian", 1)[1]
    kind = kind_of(name)

    def has(path: str) -> bool:
        found = resolve(members, path)
        return found is not None and members[found].isfile()

    assert has("etc/ssl/certs/ca-certificates.crt")
    assert "BEGIN CERTIFICATE" in read_member(image, "/etc/ssl/certs/ca-certificates.crt")
    assert has("usr/share/zoneinfo/UTC") and has("usr/share/zoneinfo/Europe/Berlin")
    assert has("etc/services") and has("etc/mime.types")
    passwd = read_member(image, "/etc/passwd").splitlines()
    assert "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" in passwd
    assert {line.split(":")[0] for line in passwd} == {"root", "nobody", "nonroot"}
    assert f'VERSION_ID="{version}"' in read_member(image, "/etc/os-release")

    with_libc = kind != "static"
    for lib in LIBC:
        assert has(f"{MULTIARCH}/{lib}") == with_libc, f"{image}: {lib}"
    assert has("lib64/ld-linux-x86-64.so.2") == with_libc
    assert has(f"{MULTIARCH}/libssl.so.3") == with_libc
    with_cc = kind not in ("static", "base")
    for lib in ("libstdc++.so.6", "libgcc_s.so.1", "libgomp.so.1"):
        assert has(f"{MULTIARCH}/{lib}") == with_cc, f"{image}: {lib}"

    status_d = {
        path.removeprefix("var/lib/dpkg/status.d/")
        for path, member in members.items()
        if path.startswith("var/lib/dpkg/status.d/") and member.isfile()
    }
    expected = {"base-files", "ca-certificates", "tzdata", "netbase", "media-types"}
    if with_libc:
        expected |= {"libc6", "libssl3" if version == "12" else "libssl3t64"}
    if with_cc:
        expected |= {"libgcc-s1", "libstdc++6", "libgomp1"}
    expected |= {
        "python3": {f"python3.{11 if version == '12' else 13}-minimal", "libffi8", "zlib1g"},
        # Debian's node is libnode (ABI 108 in node 18, 115 in node 20); node 22 is one binary.
        "nodejs": {"nodejs", "libnode108" if version == "12" else "libnode115"}
        if name != "nodejs22-debian13"
        else set(),
        # Debian's JRE (its CA store, /etc/ssl/certs/java/cacerts, is made at install time).
        "java17": {"openjdk-17-jre-headless", "zlib1g"},
    }.get(kind, set())
    assert expected <= status_d, f"{image}: status.d lacks {sorted(expected - status_d)}"
    # Nothing the image does not carry: no apt, no dpkg, no shell, no toolchain.
    assert not status_d & {"apt", "dpkg", "bash", "dash", "coreutils", "python3-pip", "npm"}
    for package in ("libc6", "tzdata") if with_libc else ("tzdata",):
        stanza = read_member(image, f"/var/lib/dpkg/status.d/{package}")
        fields = dict(
            line.split(": ", 1) for line in stanza.splitlines() if line[:1] not in (" ", "")
        )
        assert fields["Package"] == package
        assert fields["Status"] == "install ok installed"
        assert fields["Architecture"] in ("amd64", "all")
        assert fields["Version"]


STDLIB = "ssl, sqlite3, ctypes, zlib, lzma, bz2, json, decimal, hashlib, _ctypes"


@pytest.mark.parametrize(
    ("runtime", "toolchain", "version"),
    [
        ("python3-debian12", "python:3.11-slim-bookworm", "3.11"),
        ("python3-debian13", "python:3.13-slim-trixie", "3.13"),
    ],
)
def test_distroless_python_runs_the_stdlib_and_compiled_wheels(
    offline_bases: OfflineBases,
    built_tag: str,
    tmp_path: Path,
    runtime: str,
    toolchain: str,
    version: str,
):
    """The reported failure: a manylinux wheel's extension links libpthread.so.0, which the
    runtime lacked. Wheels installed by the matching toolchain must import in the runtime."""
    python = offline_bases.image(f"gcr.io/distroless/{runtime}:nonroot")
    script = (
        f"import os, pwd, sys, {STDLIB}; import ctypes.util; "
        "print(pwd.getpwuid(os.getuid()).pw_name, os.getcwd(), sys.version.split()[0])"
    )
    result = eng.run(python, ["-c", script])
    assert result.exit_code == 0, result.stderr
    user, cwd, got = result.stdout.split()
    assert (user, cwd) == ("nonroot", "/home/nonroot")
    assert got.startswith(f"{version}.")
    assert eng.run(python, ["-c", "import pip"]).exit_code == 1
    # The runtime's interpreter is the toolchain's: same version, so wheels built for it fit.
    same = eng.run(
        offline_bases.image(toolchain),
        ["python3", "-c", "import sys; print(sys.version.split()[0])"],
    )
    assert same.stdout.strip() == got

    (tmp_path / "Dockerfile").write_text(
        f"FROM {offline_bases.image(toolchain)} AS deps\n"
        "RUN pip install --no-cache-dir --quiet --only-binary :all: --target /opt/deps"
        " markupsafe==3.0.2 pyyaml==6.0.2\n"
        f"FROM {python}\n"
        "COPY --from=deps /opt/deps /opt/deps\n"
        "ENV PYTHONPATH=/opt/deps\n"
    )
    eng.build(tmp_path, tmp_path / "Dockerfile", tags=[built_tag], network="host")
    check = (
        "import markupsafe, markupsafe._speedups, yaml, yaml._yaml; "
        "print(markupsafe.escape('<x>'), yaml.__with_libyaml__, yaml.safe_load('a: [1]'))"
    )
    result = eng.run(built_tag, ["-c", check])
    assert (result.exit_code, result.stdout) == (0, "&lt;x&gt; True {'a': [1]}\n"), result.stderr


@pytest.mark.parametrize(
    ("runtime", "major"),
    [("nodejs18-debian12", "v18"), ("nodejs20-debian13", "v20"), ("nodejs22-debian13", "v22")],
)
def test_distroless_node_runs(offline_bases: OfflineBases, runtime: str, major: str):
    node = offline_bases.image(f"gcr.io/distroless/{runtime}:nonroot")
    script = (
        "const c = require('crypto'); require('zlib').gzipSync('x');"
        "console.log(process.version.split('.')[0], process.getuid(),"
        " c.createHash('sha256').update('').digest('hex').slice(0, 8))"
    )
    result = eng.run(node, ["-e", script])
    assert (result.exit_code, result.stdout) == (0, f"{major} 65532 e3b0c442\n"), result.stderr
    assert eng.run(node, ["-e", "require('https'); new Intl.DateTimeFormat('de')"]).exit_code == 0
    no_shell = eng.run(node, ["-c", "true"], entrypoint="/bin/sh")
    assert no_shell.exit_code != 0


@pytest.mark.parametrize(
    ("upstream", "argv", "expected"),
    [
        ("golang:1.19-bookworm", ["go", "version"], "go version go1.19"),
        ("golang:1.24-trixie", ["go", "version"], "go version go1.24"),
        (
            "golang:1.24-trixie",
            ["go", "env", "GOPATH", "CGO_ENABLED", "GOTOOLCHAIN"],
            "/go\n1\nlocal",
        ),
        ("golang:1.24-trixie", ["gcc", "--version"], "gcc"),
        ("python:3.11-slim-bookworm", ["python", "--version"], "Python 3.11."),
        ("python:3.11-slim-bookworm", ["pip", "--version"], "(python 3.11)"),
        ("python:3.13-slim-trixie", ["python3", "--version"], "Python 3.13."),
        ("python:3.13-slim-trixie", ["python", "--version"], "Python 3.13."),
        ("python:3.13-slim-trixie", ["pip", "--version"], "(python 3.13)"),
        ("python:3.13-slim-trixie", ["python", "-m", "venv", "--help"], "usage: venv"),
        ("node:18-bookworm-slim", ["node", "--version"], "v18."),
        ("node:20-trixie-slim", ["node", "--version"], "v20."),
        ("node:22-trixie-slim", ["node", "--version"], "v22."),
        ("node:22-trixie-slim", ["npm", "--version"], "10."),
        ("node:22-trixie-slim", ["npx", "--version"], "10."),
        ("node:22-trixie-slim", ["id", "node"], "uid=1000(node) gid=1000(node)"),
        ("debian:bookworm-slim", ["cat", "/etc/debian_version"], "12."),
        ("debian:trixie-slim", ["cat", "/etc/debian_version"], "13."),
    ],
)
def test_toolchain_stand_ins_offer_the_official_commands(
    offline_bases: OfflineBases, upstream: str, argv: list[str], expected: str
):
    result = eng.run(offline_bases.image(upstream), argv)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout


@pytest.mark.parametrize(
    "upstream", ["node:18-bookworm-slim", "node:20-trixie-slim", "node:22-trixie-slim"]
)
def test_node_toolchains_have_corepack(offline_bases: OfflineBases, upstream: str):
    """corepack is on PATH and can enable yarn and pnpm (their shims; no download needed)."""
    result = eng.run(
        offline_bases.image(upstream),
        ["sh", "-c", "corepack --version && corepack enable && command -v pnpm && command -v yarn"],
    )
    assert result.exit_code == 0, result.stderr
    version, pnpm, yarn = result.stdout.split()
    assert version.split(".")[0] == "0"
    assert pnpm.endswith("/pnpm") and yarn.endswith("/yarn")


@pytest.mark.parametrize(
    ("python", "node"),
    [
        ("python:3.11-slim-bookworm", "node:18-bookworm-slim"),
        ("python:3.13-slim-trixie", "node:20-trixie-slim"),
        (None, "node:22-trixie-slim"),
    ],
)
def test_package_registries_are_reachable_from_the_stand_ins(
    offline_bases: OfflineBases, python: str | None, node: str
):
    """The host's CA bundle is in the bases: pip and npm reach their registries (host network)."""
    if python is not None:
        pip = eng.run(
            offline_bases.image(python),
            ["sh", "-c", "cd /tmp && pip download --no-deps --quiet bottle==0.13.4 && ls"],
            network="host",
        )
        assert pip.exit_code == 0, pip.stderr[-1000:]
        assert "bottle-0.13.4-py2.py3-none-any.whl" in pip.stdout
    npm = eng.run(
        offline_bases.image(node),
        ["npm", "view", "escape-html@1.0.3", "version"],
        network="host",
    )
    assert (npm.exit_code, npm.stdout.strip()) == (0, "1.0.3"), npm.stderr[-1000:]


# Hand-written multi-stage builds of each example on the stand-ins: the example's suite runs in
# the toolchain base, the app runs in the shell-less runtime base as nonroot.
GO_DOCKERFILE = """\
FROM {node} AS fe
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM {golang} AS build
WORKDIR /src
COPY . .
COPY --from=fe /web/dist/ web/dist/
RUN go vet ./... && go test ./... && CGO_ENABLED=0 go build -o /out/go-app .

FROM {static}
COPY --from=build /out/go-app /go-app
ENTRYPOINT ["/go-app"]
"""
PYTHON_DOCKERFILE = """\
FROM {python} AS build
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir --target /deps -r requirements.txt
COPY . .
RUN pip install --no-cache-dir pytest && PYTHONPATH=/deps python -m pytest -q -p no:cacheprovider

FROM {python_runtime}
COPY --from=build /deps /deps
COPY --from=build /app/python_app /app/python_app
ENV PYTHONPATH=/deps:/app
CMD ["-m", "python_app"]
"""
NODE_DOCKERFILE = """\
FROM {node} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm test && npm prune --omit=dev

FROM {node_runtime}
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/src ./src
CMD ["src/server.js"]
"""


@pytest.fixture
def built_tag(engine: str) -> Iterator[str]:
    tag = f"imagetailor-test/example:{uuid.uuid4().hex[:10]}"
    yield tag
    eng.remove_image(tag)


# The oldest and the newest versions the stand-ins offer, toolchain and runtime alike.
STACKS = {
    "debian12": {
        "node": "node:18-bookworm-slim",
        "golang": "golang:1.19-bookworm",
        "python": "python:3.11-slim-bookworm",
        "static": "gcr.io/distroless/static-debian12:nonroot",
        "python_runtime": "gcr.io/distroless/python3-debian12:nonroot",
        "node_runtime": "gcr.io/distroless/nodejs18-debian12:nonroot",
    },
    "debian13": {
        "node": "node:22-trixie-slim",
        "golang": "golang:1.24-trixie",
        "python": "python:3.13-slim-trixie",
        "static": "gcr.io/distroless/static-debian13:nonroot",
        "python_runtime": "gcr.io/distroless/python3-debian13:nonroot",
        "node_runtime": "gcr.io/distroless/nodejs22-debian13:nonroot",
    },
}


@pytest.mark.parametrize("stack", sorted(STACKS))
@pytest.mark.parametrize(
    ("example", "dockerfile", "build_network", "marker"),
    [
        ("go-app", GO_DOCKERFILE, "host", b'<h1 id="greeting">Hello &lt;stand-in&gt;</h1>'),
        ("python-app", PYTHON_DOCKERFILE, "host", b"<h1>Hello &lt;stand-in&gt;</h1>"),
        ("node-app", NODE_DOCKERFILE, "host", b"<h1>Hello &lt;stand-in&gt;</h1>"),
    ],
)
def test_examples_build_test_and_serve_on_the_stand_ins(
    offline_bases: OfflineBases,
    example_copy: Callable[[str], Path],
    built_tag: str,
    example: str,
    dockerfile: str,
    build_network: str,
    marker: bytes,
    stack: str,
):
    app = example_copy(example)
    images = {role: offline_bases.image(upstream) for role, upstream in STACKS[stack].items()}
    (app / "Dockerfile.test").write_text(dockerfile.format(**images))
    eng.build(app, app / "Dockerfile.test", tags=[built_tag], network=build_network)
    assert eng.inspect_image(built_tag)["Config"]["User"] == "65532"

    port = free_port()
    container = eng.start_detached(
        built_tag, env={"PORT": str(port), "GREETING": "Hello <stand-in>"}, network="host"
    )
    try:
        status, page = fetch(f"http://127.0.0.1:{port}/", seconds=30)
        assert status == 200 and marker in page, eng.logs(container)
        status, health = fetch(f"http://127.0.0.1:{port}/healthz")
        assert (status, json.loads(health)) == (200, {"status": "ok"})
    finally:
        eng.remove(container)


def test_a_distroless_container_cannot_be_entered_with_a_shell(offline_bases: OfflineBases):
    image = offline_bases.image("gcr.io/distroless/static-debian13:nonroot")
    result = subprocess.run(
        [DOCKER, "run", "--rm", "--network", "none", "--entrypoint", "sh", image],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "executable file not found" in result.stderr or "no such file" in result.stderr


def test_reruns_are_cached_and_a_changed_recipe_rebuilds_only_its_stand_in(
    offline_bases: OfflineBases, tmp_path: Path
):
    """Recipe hashes live in labels: a rerun only inspects; editing one recipe rebuilds just it.

    One test, not two: the steps change shared images and must not interleave across workers.
    """
    before = offline_bases.map_path.read_text()
    again = run_offline_bases()
    assert again.map_path == offline_bases.map_path
    assert "every stand-in is up to date" in again.stderr
    assert again.seconds < 30
    assert again.map_path.read_text() == before

    script = OFFLINE_BASES.read_text()
    anchor = "closure_static() {\n  skeleton_script\n"
    assert anchor in script
    variant = tmp_path / "offline-bases"
    # A no-op line in the static bases' assembly script: same files, different recipe. Both
    # suites' static runtimes share the recipe; base and cc (which do not include static's) and
    # everything else stay as they are.
    variant.write_text(script.replace(anchor, anchor + "  echo ': recipe variant'\n"))
    variant.chmod(0o755)
    statics = [
        offline_bases.image(f"gcr.io/distroless/static-debian{v}:nonroot") for v in ("12", "13")
    ]
    original = [eng.inspect_image(s)["Config"]["Labels"][RECIPE_LABEL] for s in statics]
    try:
        changed = subprocess.run([str(variant)], capture_output=True, text=True, timeout=600)
        assert changed.returncode == 0, changed.stderr[-2000:]
        built = [
            line.split(" built ", 1)[1].split()[0]
            for line in changed.stderr.splitlines()
            if " built imagetailor-bases/" in line
        ]
        assert sorted(built) == statics
        for image, label in zip(statics, original, strict=True):
            assert eng.inspect_image(image)["Config"]["Labels"][RECIPE_LABEL] != label
    finally:
        restored = run_offline_bases()  # the real recipe takes its images back
    for image, label in zip(statics, original, strict=True):
        assert f"built {image} in " in restored.stderr
        assert eng.inspect_image(image)["Config"]["Labels"][RECIPE_LABEL] == label
