"""Which files' content the analysis reads: secret candidates (by name) and package databases.

Decided for every regular file of every layer while the tar streams by, so it is kept cheap,
and free of pydantic: layer workers (see ``layerscan``) import this module, not the models.
"""

from __future__ import annotations

import fnmatch
import re

from imagetailor.analysis.catalog import SecretCatalogue

DPKG_STATUS = "var/lib/dpkg/status"
DPKG_STATUS_D = "var/lib/dpkg/status.d/"
APK_INSTALLED = "lib/apk/db/installed"
MAX_DB_BYTES = 64 << 20  # a dpkg status of a large distro image is a few MiB
MAX_PACKAGE_JSON = 256 << 10
NPM_MANIFEST = re.compile(r"(?:^|/)node_modules/(?:@[^/]+/)?[^/]+/package\.json\Z")
# Composer's record of what `composer install` put in vendor/ (every package, with versions).
COMPOSER_INSTALLED = "vendor/composer/installed.json"


# Which distribution and release the image is (vulnerability records are per release);
# etc/os-release is usually a symlink to usr/lib/os-release, so both are read.
OS_RELEASE = ("etc/os-release", "usr/lib/os-release")
MAX_OS_RELEASE = 16 << 10

# dpkg's file list per package: which package a setuid/setgid file belongs to (hygiene.py).
# A list is a few KiB; the biggest (kernel headers) a few MiB: past the bound, owner unknown.
DPKG_FILE_LISTS = "var/lib/dpkg/info/"
MAX_FILE_LIST = 1 << 20

LD_CONF = "etc/ld.so.conf"
USER_DBS = ("etc/passwd", "etc/group")
MAX_LD_CONF = 64 << 10


def package_bytes(path: str) -> int:
    """Bytes of this file the package readers (and the start check) need (0: none)."""
    if path in (DPKG_STATUS, APK_INSTALLED) or path.startswith(DPKG_STATUS_D):
        return MAX_DB_BYTES
    if path in OS_RELEASE:
        return MAX_OS_RELEASE
    if path.startswith(LD_CONF) or path in USER_DBS:  # where libraries are; who the user is
        return MAX_LD_CONF
    if path.endswith("package.json") and NPM_MANIFEST.search(path):
        return MAX_PACKAGE_JSON
    if path.endswith(COMPOSER_INSTALLED):
        return MAX_DB_BYTES
    if path.startswith(DPKG_FILE_LISTS) and path.endswith(".list"):
        return MAX_FILE_LIST
    return 0


def _compile(globs: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(fnmatch.translate(glob)) for glob in globs]


def combined(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


class GlobPrecheck:
    """A cheap test every match of a list of fnmatch globs passes: each glob's literal suffix,
    literal prefix or longest literal run must be in the text. A regex of globs that start with
    ``*`` backtracks over the whole name; the pre-check turns almost every name away with a few
    C-level string tests, and the regex decides the rest."""

    def __init__(self, globs: list[str], count: int) -> None:
        prefixes: list[str] = []
        suffixes: list[str] = []
        inner: list[str] = []
        # Globs we cannot reason about (no literal, bracket classes, or a catalogue built
        # without its glob strings) make the pre-check pass everything.
        self.always = len(globs) != count
        for glob in globs:
            runs = re.split(r"[*?]", glob)
            if "[" in glob or not any(runs):
                self.always = True
            elif runs[-1]:
                suffixes.append(runs[-1])
            elif runs[0]:
                prefixes.append(runs[0])
            else:
                inner.append(max(runs, key=len))
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        # One C-level search for all the inner runs (a generator over them costs more).
        self.inner = re.compile("|".join(re.escape(run) for run in inner)) if inner else None


class SecretCandidates:
    """Files worth scanning for secrets, chosen by name before any content is read."""

    def __init__(self, catalogue: SecretCatalogue, read_elf: bool = True) -> None:
        # Also read ELF programs and libraries for their summaries (analysis/elf.py)?
        self.read_elf = read_elf
        self.max_file_bytes = catalogue.max_file_bytes
        self._names = combined(catalogue.candidate_files)
        self._paths = combined(catalogue.candidate_paths)
        self._names_precheck = GlobPrecheck(
            catalogue.candidate_file_globs, len(catalogue.candidate_files)
        )
        self._paths_precheck = GlobPrecheck(
            catalogue.candidate_path_globs, len(catalogue.candidate_paths)
        )
        self.source_max_file_bytes = catalogue.source_max_file_bytes
        globs = catalogue.source_file_globs
        # "*.py"-style globs become one C-level endswith; anything fancier goes through a regex.
        simple = all(g.startswith("*.") and not any(c in g[1:] for c in "*?[") for g in globs)
        self._source_suffixes = tuple(g[1:] for g in globs) if simple else None
        self._source_names = None if simple else combined(_compile(globs))
        self._source_roots = combined(catalogue.source_roots)
        self._source_exclude = combined(catalogue.source_exclude)

    def wants(self, path: str) -> int:
        """Bytes to read of the file at ``path`` (relative to the root), 0 when not a candidate."""
        base = path[path.rfind("/") + 1 :]
        return self.named_wants(path, base) or self.source_wants(path, base)

    def named_wants(self, path: str, base: str) -> int:
        """Bytes to read of a file that is a candidate by its name or path (.npmrc, *.pem, ...)."""
        # The pre-checks are spelled out, not called: this runs for every file of every layer.
        names = self._names_precheck
        if (
            self._names is not None
            and (
                names.always
                or base.endswith(names.suffixes)
                or base.startswith(names.prefixes)
                or (names.inner is not None and names.inner.search(base) is not None)
            )
            and self._names.match(base)
        ):
            return self.max_file_bytes
        rooted = "/" + path
        paths = self._paths_precheck
        if (
            self._paths is not None
            and (
                paths.always
                or rooted.endswith(paths.suffixes)
                or rooted.startswith(paths.prefixes)
                or (paths.inner is not None and paths.inner.search(rooted) is not None)
            )
            and self._paths.match(rooted)
        ):
            return self.max_file_bytes
        return 0

    def source_wants(self, path: str, base: str | None = None) -> int:
        """Bytes to read of an application source file (see ``source_files`` in secrets.toml)."""
        base = path[path.rfind("/") + 1 :] if base is None else base
        if self._source_roots is None:
            return 0
        if self._source_suffixes is not None:
            if not base.endswith(self._source_suffixes):
                return 0
        elif self._source_names is None or not self._source_names.match(base):
            return 0
        rooted = "/" + path
        if not self._source_roots.match(rooted):
            return 0
        if self._source_exclude is not None and self._source_exclude.match(rooted):
            return 0
        return self.source_max_file_bytes
