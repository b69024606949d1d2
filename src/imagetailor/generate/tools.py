"""Tools per purpose: installed in stages that have a package manager (ci, dev), or collected with
the libraries they link from a donor image and copied onto the deploy payload (local).

The package manager of a stage is judged from the upstream name of its base only (never from a
base map), so the generated file is the same whatever map a build uses; `tailor build` refuses a
map that swaps an image for one of another family.
"""

from __future__ import annotations

from imagetailor.errors import UsageError
from imagetailor.generate.dockerfile import CONTINUATION, Dockerfile, Stage
from imagetailor.generate.quoting import dockerfile_path, shell_word, shell_words
from imagetailor.generate.recipes import RECIPES_ENV, Install, catalogue, plan_installs
from imagetailor.languages.plugin import Language
from imagetailor.project.bases import Family


def install_commands(
    install: Install, language: Language | None = None
) -> tuple[list[str], tuple[str, ...]]:
    """(commands, mounts) for one manager's installs, in a stage that has that manager: the OS
    package managers here, a language's own installer from its plug-in's data."""
    packages = shell_words(list(install.packages))
    if install.manager == "apt":
        return [
            "apt-get update",
            f"apt-get install -y --no-install-recommends {packages}",
            "rm -rf /var/lib/apt/lists/*",
        ], ()
    if install.manager == "apk":
        return [f"apk add --no-cache {packages}"], ()
    if language is None or install.manager != language.tool_manager or not language.tool_install:
        raise UsageError(f"no installer {install.manager!r} for this stage")
    template = language.tool_install
    mounts = tuple(f"type=cache,target={target}" for target in language.tool_cache)
    if "{package}" in template:
        return [template.replace("{package}", shell_word(p)) for p in install.packages], mounts
    return [template.replace("{packages}", packages)], mounts


def add_tools(stage: Stage, tools: list[str], family: Family, language: Language) -> None:
    """Install tools in a stage that has a package manager, one RUN per manager."""
    for install in plan_installs(tools, family, language.tool_manager):
        commands, mounts = install_commands(install, language)
        note = (f"tools: {', '.join(tools)}", *install.notes)
        stage.run(*commands, mounts=mounts, comment=note)
    for tool in tools:
        recipe = catalogue().get(tool)
        if recipe.run:
            stage.run(*recipe.run, comment=(f"{tool}: {recipe.summary}",))


def add_os_packages(stage: Stage, packages: list[str], family: Family, why: str) -> None:
    """OS packages (a compiler for native addons, ...) in a stage of a known family."""
    if not packages:
        return
    if family == "none":
        raise UsageError(
            f"cannot install {', '.join(packages)} in a base without a package manager"
        )
    install = Install("apk" if family == "apk" else "apt", tuple(packages))
    commands, mounts = install_commands(install)
    stage.run(*commands, mounts=mounts, comment=(why,))


# The awk program prints every shared library ldd names (and the loader itself).
_LDD_AWK = "'$2 == \"=>\" && $3 ~ /^\\// {print $3} $1 ~ /^\\// {print $1}'"


def collect_with_libraries(files: str, runtime: str = "/runtime") -> str:
    """A shell loop copying each of ``files`` (a shell word list, may be a $(find ...)) and
    every library it links that ``runtime`` lacks into /out, at canonical paths."""
    return CONTINUATION.join(
        [
            f"for f in {files}; do",
            # ldd's answer goes through a file, not a pipe: POSIX sh has no pipefail, and a
            # static binary (ldd fails) simply has no libraries to copy.
            '  ldd "$f" > /tmp/libs 2>/dev/null || true;',
            f'  for p in "$f" $(awk {_LDD_AWK} /tmp/libs); do',
            '    c="$(readlink -f "$(dirname "$p")")/$(basename "$p")";',
            '    t="$(readlink -f "$c")";',
            f'    if [ ! -e "{runtime}$c" ]; then cp -a --parents "$c" /out; fi;',
            f'    if [ "$t" != "$c" ] && [ ! -e "{runtime}$t" ];',
            '      then cp -a --parents "$t" /out; fi;',
            "  done;",
            "done",
        ]
    )


# cp --parents makes the folders it creates with its own modes (0700 seen for /out/opt), and
# COPY --from=... /out/ / gives a folder of the image those modes: /opt unreadable for the
# nonroot user broke every Python import. So /out's folders take the modes of the folders they
# stand for, and folders left empty are dropped.
FIX_FOLDERS = (
    "find /out -mindepth 1 -depth -type d -empty -delete",
    # -exec, not a pipe into `while read`: sh has no pipefail to report a failed find.
    "find /out -mindepth 1 -type d -exec sh -c "
    """'for d; do chmod --reference="${d#/out}" "$d" 2>/dev/null || chmod 755 "$d"; done'"""
    " sh {} +",
)


def donor_stage(
    df: Dockerfile,
    name: str,
    base: str,
    family: Family,
    tools: list[str],
    language: Language,
    runtime: bool,
) -> str:
    """A donor stage installs the tools and collects their files, each with the libraries it
    links that the deploy runtime lacks, under /out; returns the donor stage's name.

    This is how the local image stays the deploy image plus exactly these tools: no package
    manager, no compiler, the same non-root user and entrypoint.
    """
    cat = catalogue()
    files: list[str] = []
    links: list[tuple[str, str]] = []
    for tool in tools:
        recipe = cat.get(tool)
        if not recipe.files:
            raise UsageError(
                f"tool {tool!r} cannot go into the {name} image: its recipe lists no files to "
                f"copy onto the deploy payload; add `files = [...]` to its recipe ({RECIPES_ENV})"
            )
        files += [f for f in recipe.files if f not in files]
        links += [link for link in recipe.links if link not in links]
    if family == "none":
        raise UsageError(
            f"the tools donor image {base} has no package manager (family none): "
            "name an image with apt or apk"
        )
    donor = df.stage(
        f"{name}-tools",
        "${TOOLS_IMAGE}",
        f"Tools for {name}: installed here, copied (with their libraries) onto the deploy image.",
    )
    add_tools(donor, tools, family, language)
    if runtime:
        # The deploy runtime's own files (libc, libssl, ...) are not copied a second time.
        donor.add("COPY", "--from=runtime / /runtime/")
    commands = [
        "mkdir -p /out",
        collect_with_libraries(shell_words([dockerfile_path(f) for f in files])),
    ]
    for path, target in links:
        directory, _, base_name = dockerfile_path(path).rpartition("/")
        folder = shell_word(directory or "/")
        commands.append(
            f'd="$(readlink -f {folder})" && ln -sf {shell_word(target)} "/out$d/{base_name}"'
        )
        if directory:
            # The donor's /bin is usr-merged; a runtime whose /bin is not a link to /usr/bin
            # (distroless has none) gets the link at its own path too, so /bin/sh runs.
            absolute = (
                shell_word(target) if target.startswith("/") else f'"$d"/{shell_word(target)}'
            )
            commands.append(
                f'if [ ! -L /runtime{folder} ] && [ "$d" != {folder} ]; then '
                f'mkdir -p "/out"{folder} && ln -sf {absolute} '
                f'"/out"{shell_word(f"{directory}/{base_name}")}; fi'
            )
    commands += FIX_FOLDERS
    donor.run(
        *commands,
        comment=(
            "Each file at its canonical path, plus every library it links that the",
            "runtime lacks.",
        ),
    )
    return donor.name
