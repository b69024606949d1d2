"""From a spec to the generated files, and writing them safely.

Every generated file starts with the marker line. A file on disk without it is the user's and
is never overwritten without ``force``; regenerating is byte-identical when nothing changed;
``check`` reports which files are missing or out of date without touching any.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from imagetailor import languages
from imagetailor.errors import UsageError
from imagetailor.generate.assembler import MARKER, assemble
from imagetailor.generate.bake import render_bake
from imagetailor.generate.compose import render_compose
from imagetailor.generate.dockerfile import Dockerfile
from imagetailor.generate.ignore import render_ignore
from imagetailor.generate.quoting import UnsafeValue
from imagetailor.languages.files import ProjectFiles
from imagetailor.project.bases import BaseMap
from imagetailor.project.model import Spec

MARKER_LINE = f"# {MARKER}"


def build_dockerfile(spec: Spec, project: Path) -> Dockerfile:
    try:
        return assemble(spec, project)
    except UnsafeValue as exc:
        raise UsageError(f"tailor.toml: {exc}") from None


def check_mapped(spec: Spec, project: Path, bases: BaseMap) -> None:
    """A base map in effect must provide every base the generated Dockerfile names."""
    from imagetailor import languages
    from imagetailor.languages.upstream import check_base_map

    names = [arg.default for arg in build_dockerfile(spec, project).args]
    data = languages.plugin(spec.app.language).data
    check_base_map(data, spec.app.runtime_version, names, bases)


def output_names(spec: Spec, project: Path) -> dict[str, str]:
    """Role -> file name of each generated file. Ours sit beside the project's own build files
    (never over them); with a .dockerignore of the project's, ours is the Dockerfile-specific
    ignore file BuildKit reads for our Dockerfile (``NAME.dockerignore``)."""
    g = spec.generate
    ignore = ".dockerignore"
    user_ignore = project / ".dockerignore"
    if (user_ignore.exists() or user_ignore.is_symlink()) and not is_generated(user_ignore):
        ignore = f"{g.dockerfile}.dockerignore"
    return {"dockerfile": g.dockerfile, "ignore": ignore, "bake": g.bake, "compose": g.compose}


def ci_platforms(project: Path, asked: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The CI platforms to write for: those asked for, and those whose pipeline file we wrote
    before (so a later `tailor generate` or `--check` keeps it up to date)."""
    from imagetailor.generate.ci import CI_FILES

    return [
        platform
        for platform, name in CI_FILES.items()
        if platform in asked or is_generated(project / name)
    ]


def render_all(
    spec: Spec,
    project: Path,
    ci: list[str] | tuple[str, ...] = (),
    tailor_spec: str | None = None,
    notice: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """File name -> exact content, each starting with the marker line. Depends only on
    tailor.toml and the project's files, never on a base map. ``ci``: the CI platforms whose
    pipelines to write as well (github, gitlab), beside those written before; ``tailor_spec``
    how they install imagetailor (default: generate/install.py's choice, whose note, if any,
    goes to ``notice``)."""
    names = output_names(spec, project)
    files = ProjectFiles(project)
    for name in spec.app.manifests:
        # A folder counts too (vendored crates: vendor/).
        if not (files.exists(name) or files.is_dir(name)):
            raise UsageError(
                f"tailor.toml: app.manifests: {name} is not in {project}; fix: remove it "
                "or run `tailor init --force` again"
            )
    df = build_dockerfile(spec, project)

    def text(lines: list[str]) -> str:
        return "\n".join([MARKER_LINE, *lines]) + "\n"

    user_lines = None
    if names["ignore"] != ".dockerignore":
        user_lines = [line.rstrip() for line in ProjectFiles(project).lines(".dockerignore")]
        user_lines = [line for line in user_lines if line]
    # A language may write more files (PHP: nginx's server block), by the same rules.
    hook = getattr(languages.plugin(spec.app.language).hooks, "extra_files", None)
    extra: dict[str, list[str]] = hook(spec) if hook is not None else {}
    generated = sorted(
        set(names.values())
        | set(extra)
        | {"Dockerfile", ".dockerignore", "docker-bake.hcl", "compose.yaml"}
    )
    return {
        names["dockerfile"]: df.render(),
        names["ignore"]: text(render_ignore(spec, project, generated, user_lines)),
        names["bake"]: text(render_bake(spec, df.args)),
        names["compose"]: text(render_compose(spec)),
        **{name: text(lines) for name, lines in extra.items()},
        **{
            name: text(lines)
            for name, lines in _ci_files(spec, project, ci, tailor_spec, notice).items()
        },
    }


def _ci_files(
    spec: Spec,
    project: Path,
    ci: list[str] | tuple[str, ...],
    tailor_spec: str | None,
    notice: Callable[[str], None] | None,
) -> dict[str, list[str]]:
    from imagetailor.generate.ci import CI_FILES, render_ci
    from imagetailor.generate.install import choose_spec

    platforms = ci_platforms(project, ci)
    if not platforms:
        if tailor_spec:
            raise UsageError("--tailor-spec is how the CI pipelines install imagetailor: add --ci")
        return {}
    ours = [project / name for name in CI_FILES.values() if is_generated(project / name)]
    chosen = choose_spec(tailor_spec, ours)
    if chosen.note and notice is not None:
        notice(chosen.note)
    try:
        return render_ci(spec, platforms, chosen)
    except UnsafeValue as exc:
        raise UsageError(f"tailor.toml: {exc}") from None


MAX_GENERATED = 4 * 1024 * 1024  # larger than any file we write: not ours


def _read_regular(path: Path) -> bytes | None:
    """The file's bytes when it is a regular file (never opening a FIFO or device), else None."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_GENERATED + 1)


def is_generated(path: Path) -> bool:
    content = _read_regular(path)
    if content is None:
        return False
    first = content.split(b"\n", 1)[0]
    return first.decode("utf-8", errors="replace").rstrip("\r") == MARKER_LINE


@dataclass(frozen=True)
class FileState:
    name: str
    state: str  # "missing", "up-to-date", "out-of-date", "not-ours", "not-a-file"


def compare(project: Path, rendered: dict[str, str]) -> list[FileState]:
    states: list[FileState] = []
    for name, content in rendered.items():
        path = project / name
        if not _folders_ok(project, name):
            states.append(FileState(name, "not-a-file"))
            continue
        if not path.exists() and not path.is_symlink():
            states.append(FileState(name, "missing"))
            continue
        data = _read_regular(path)
        if data is None:
            states.append(FileState(name, "not-a-file"))
        elif not is_generated(path):
            states.append(FileState(name, "not-ours"))
        elif data == content.encode("utf-8"):
            states.append(FileState(name, "up-to-date"))
        else:
            states.append(FileState(name, "out-of-date"))
    return states


def _folders_ok(project: Path, name: str) -> bool:
    """Each folder on the way to ``name`` (.github/workflows/) is a real folder of the project
    or missing: never a link that would put our file somewhere else."""
    folder = project
    for part in Path(name).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return False
    return True


def write_files(project: Path, rendered: dict[str, str], force: bool) -> list[FileState]:
    """Write what changed, all or nothing: every new file is written to a temporary file in the
    project first, and only when all of them are complete are they renamed into place. Refuses,
    before writing anything, when a file without the marker (or a FIFO, device, symlink or
    folder) is in the way; ``force`` replaces only regular files."""
    states = compare(project, rendered)
    special = [s.name for s in states if s.state == "not-a-file"]
    if special:
        raise UsageError(
            f"{', '.join(special)} in {project} is not a regular file (a folder, link, FIFO or "
            "device): move it away; not even --force replaces it"
        )
    blocked = [s.name for s in states if s.state == "not-ours"]
    if blocked and not force:
        raise UsageError(
            f"{', '.join(blocked)} in {project} not generated by imagetailor (no marker line): "
            "move it away or pass --force to overwrite"
        )
    staged: list[tuple[str, Path]] = []
    try:
        for state in states:
            if state.state != "up-to-date":
                staged.append((state.name, _stage(project / state.name, rendered[state.name])))
        for name, tmp in staged:
            os.replace(tmp, project / name)
    except OSError as exc:
        raise UsageError(f"cannot write in {project}: {exc.strerror or exc}") from None
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
    return states


def _stage(path: Path, content: str) -> Path:
    """``content`` in a new temporary file beside ``path``; removed again on any failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # checked by _folders_ok: no links
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
        os.chmod(tmp, 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
