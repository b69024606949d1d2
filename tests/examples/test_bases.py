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
DISTROLESS = [
    f"gcr.io/distroless/{name}-debian12{variant}"
    for name in ("static", "python3", "nodejs18")
    for variant in ("", ":latest", ":nonroot")
]
TOOLCHAINS = ["golang:1.19-bookworm", "python:3.11-slim-bookworm", "node:18-bookworm-slim"]


def test_map_names_every_upstream_base_with_its_family(offline_bases: OfflineBases):
    assert offline_bases.stdout.strip().splitlines()[-1] == str(offline_bases.map_path)
    assert offline_bases.map_path.read_text().startswith("# written by scripts/offline-bases")
    entries = offline_bases.entries
    assert sorted(entries) == sorted(
        ["debian:bookworm-slim", "alpine:3.20", *TOOLCHAINS, *DISTROLESS]
    )
    for upstream, entry in entries.items():
        assert set(entry) == {"image", "family"}, upstream
        assert entry["image"].startswith("imagetailor-bases/")
        assert entry["family"] == ("none" if "distroless" in upstream else "apt"), upstream
        labels = eng.inspect_image(entry["image"])["Config"]["Labels"] or {}
        assert len(labels.get(RECIPE_LABEL, "")) == 16, f"{entry['image']} has no recipe label"
    # Both distroless spellings of "root" point at the same image; nonroot is a different one.
    for name in ("static", "python3", "nodejs18"):
        plain = entries[f"gcr.io/distroless/{name}-debian12"]["image"]
        assert plain == entries[f"gcr.io/distroless/{name}-debian12:latest"]["image"]
        assert plain.endswith(":latest")
        assert entries[f"gcr.io/distroless/{name}-debian12:nonroot"]["image"].endswith(":nonroot")


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
    """Follow symlinks (absolute or relative, in any component) inside the exported tree."""
    parts = path.strip("/").split("/")
    resolved: list[str] = []
    for _ in range(40):
        if not parts:
            return "/".join(resolved)
        resolved.append(parts.pop(0))
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


FORBIDDEN = ("sh", "bash", "dash", "apt", "apt-get", "dpkg", "pip", "pip3", "npm", "busybox")


@pytest.mark.parametrize("name", ["static", "python3", "nodejs18"])
def test_distroless_stand_ins_have_no_shell_no_package_manager(
    offline_bases: OfflineBases, name: str
):
    image = offline_bases.image(f"gcr.io/distroless/{name}-debian12:nonroot")
    members = exported_members(image)
    for directory in ("bin", "usr/bin", "sbin", "usr/sbin", "usr/local/bin"):
        for tool in FORBIDDEN:
            assert resolve(members, f"{directory}/{tool}") is None, (
                f"{image} has /{directory}/{tool}"
            )
    assert not any("site-packages/pip" in p or "dist-packages/pip" in p for p in members)
    passwd = members["etc/passwd"]
    assert passwd.isfile()
    assert resolve(members, "etc/ssl/certs/ca-certificates.crt") is not None
    assert members["tmp"].mode & 0o1777 == 0o1777
    assert (members["home/nonroot"].uid, members["home/nonroot"].gid) == (65532, 65532)
    config = eng.inspect_image(image)["Config"]
    assert config["User"] == "65532"
    assert eng.inspect_image(offline_bases.image(f"gcr.io/distroless/{name}-debian12"))["Config"][
        "User"
    ] in ("", "0")
    entrypoint = {"static": None, "python3": ["/usr/bin/python3"], "nodejs18": ["/nodejs/bin/node"]}
    assert config["Entrypoint"] == entrypoint[name]
    if entrypoint[name]:
        target = resolve(members, entrypoint[name][0])
        assert target is not None and members[target].isfile()
        assert members[target].mode & 0o111


def test_distroless_users_and_runtimes_work(offline_bases: OfflineBases):
    python = offline_bases.image("gcr.io/distroless/python3-debian12:nonroot")
    script = (
        "import os, pwd, ssl, sqlite3, json; print(pwd.getpwuid(os.getuid()).pw_name, os.getcwd())"
    )
    result = eng.run(python, ["-c", script])
    assert (result.exit_code, result.stdout) == (0, "nonroot /home/nonroot\n"), result.stderr
    assert eng.run(python, ["-c", "import pip"]).exit_code == 1
    node = offline_bases.image("gcr.io/distroless/nodejs18-debian12:nonroot")
    result = eng.run(node, ["-e", "console.log(process.version.split('.')[0], process.getuid())"])
    assert (result.exit_code, result.stdout) == (0, "v18 65532\n"), result.stderr
    no_shell = eng.run(node, ["-c", "true"], entrypoint="/bin/sh")
    assert no_shell.exit_code != 0


@pytest.mark.parametrize(
    ("upstream", "argv", "expected"),
    [
        ("golang:1.19-bookworm", ["go", "version"], "go version go1.19"),
        ("python:3.11-slim-bookworm", ["python", "--version"], "Python 3.11."),
        ("python:3.11-slim-bookworm", ["pip", "--version"], "(python 3.11)"),
        ("node:18-bookworm-slim", ["node", "--version"], "v18."),
        ("debian:bookworm-slim", ["cat", "/etc/debian_version"], "12."),
    ],
)
def test_toolchain_stand_ins_offer_the_official_commands(
    offline_bases: OfflineBases, upstream: str, argv: list[str], expected: str
):
    result = eng.run(offline_bases.image(upstream), argv)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout


def test_package_registries_are_reachable_from_the_stand_ins(offline_bases: OfflineBases):
    """The host's CA bundle is in the bases: pip and npm reach their registries (host network)."""
    pip = eng.run(
        offline_bases.image("python:3.11-slim-bookworm"),
        ["sh", "-c", "cd /tmp && pip download --no-deps --quiet bottle==0.13.4 && ls"],
        network="host",
    )
    assert pip.exit_code == 0, pip.stderr[-1000:]
    assert "bottle-0.13.4-py2.py3-none-any.whl" in pip.stdout
    npm = eng.run(
        offline_bases.image("node:18-bookworm-slim"),
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
):
    app = example_copy(example)
    images = {
        "node": offline_bases.image("node:18-bookworm-slim"),
        "golang": offline_bases.image("golang:1.19-bookworm"),
        "python": offline_bases.image("python:3.11-slim-bookworm"),
        "static": offline_bases.image("gcr.io/distroless/static-debian12:nonroot"),
        "python_runtime": offline_bases.image("gcr.io/distroless/python3-debian12:nonroot"),
        "node_runtime": offline_bases.image("gcr.io/distroless/nodejs18-debian12:nonroot"),
    }
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
    image = offline_bases.image("gcr.io/distroless/static-debian12:nonroot")
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
    # A no-op line in the static base's assembly script: same files, different recipe.
    variant.write_text(script.replace(anchor, anchor + "  echo ': recipe variant'\n"))
    variant.chmod(0o755)
    static = offline_bases.image("gcr.io/distroless/static-debian12:nonroot")
    original = eng.inspect_image(static)["Config"]["Labels"][RECIPE_LABEL]
    try:
        changed = subprocess.run([str(variant)], capture_output=True, text=True, timeout=600)
        assert changed.returncode == 0, changed.stderr[-2000:]
        built = [
            line for line in changed.stderr.splitlines() if " built imagetailor-bases/" in line
        ]
        assert built == [line for line in built if "distroless-static:nonroot" in line]
        assert len(built) == 1
        assert eng.inspect_image(static)["Config"]["Labels"][RECIPE_LABEL] != original
    finally:
        restored = run_offline_bases()  # the real recipe takes its image back
    assert "built imagetailor-bases/distroless-static:nonroot" in restored.stderr
    assert eng.inspect_image(static)["Config"]["Labels"][RECIPE_LABEL] == original
