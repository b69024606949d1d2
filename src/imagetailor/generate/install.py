"""How a generated CI pipeline installs imagetailor: one pip requirement, the "tailor spec".

First found wins:
1. ``tailor generate --tailor-spec SPEC``: any requirement pip reads (``imagetailor==0.1.0``,
   ``imagetailor @ URL``, ``git+https://HOST/REPO@TAG``, a wheel or sdist URL, a path);
   ``--tailor-spec ''`` goes back to the default;
2. the spec chosen so before, which the pipeline's header records (``# tailor-spec: SPEC``),
   so a plain ``tailor generate`` or ``generate --check`` keeps it instead of undoing it;
3. how the running tool was installed (PEP 610 ``direct_url.json`` of its distribution): from
   a VCS, ``VCS+URL@COMMIT`` (the commit installed, not a branch that moves); from an archive
   URL, that URL; from an index, ``imagetailor==VERSION``; from a local directory or file,
   which CI cannot reach, ``imagetailor==VERSION`` too, with a note naming --tailor-spec.

A default is recorded too, under another prefix that is not read back (``DEFAULT_PREFIX``): it
follows the tool, so upgrading imagetailor moves the pipelines' pin with it. CI's own
``generate --check`` then computes the same default: the tool there was installed from it.

The spec is quoted where it is written (generate/quoting.py), never rejected for holding
quotes, ``;`` or spaces (a PEP 508 marker has all three); only what pip cannot read is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement

from imagetailor import __version__
from imagetailor.errors import UsageError
from imagetailor.generate.quoting import has_control

DISTRIBUTION = "imagetailor"
RECORD_PREFIX = "# tailor-spec: "
DEFAULT_PREFIX = "# tailor-spec (the default: how tailor was installed): "
VCS = ("git", "hg", "svn", "bzr")
# What pip installs from a URL: a VCS checkout (vcs+scheme://), or an archive over these.
URL_SCHEMES = {"http", "https", "file"} | {f"{v}+{s}" for v in VCS for s in
                                           ("http", "https", "ssh", "file", "git")}  # fmt: skip
MAX_SPEC = 1000
HELP = "--tailor-spec takes a pip requirement: NAME==VERSION, NAME @ URL, git+URL@REF, a URL"


def check_spec(spec: str, what: str = "--tailor-spec") -> str:
    """``spec`` when pip can read it as one requirement; else a usage error in one line."""
    shown = repr(spec[:60])
    if not spec.strip() or has_control(spec) or len(spec) > MAX_SPEC:
        raise UsageError(f"{what} {shown}: not one line of at most {MAX_SPEC} characters; {HELP}")
    if "${{" in spec:  # GitHub evaluates it in every string of a workflow: no quoting stops it
        raise UsageError(f"{what} {shown}: holds '${{{{', a GitHub Actions expression")
    text = spec.strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme in URL_SCHEMES:
        if not urlsplit(text).netloc and scheme != "file" and not scheme.endswith("+file"):
            raise UsageError(f"{what} {shown}: the URL names no host; {HELP}")
        return text
    if text.startswith(("/", "./", "../", "~")):
        return text  # a path pip installs from (on the runner, if it has it)
    try:
        Requirement(text)
    except InvalidRequirement as error:
        reason = " ".join(str(error).split())[:100]
        raise UsageError(f"{what} {shown}: pip cannot read it ({reason}); {HELP}") from None
    return text


def recorded_spec(files: list[Path]) -> str | None:
    """The spec a pipeline generated earlier records in its header, from the first that has
    one (the header is the first lines; a file not ours is not read: callers pass ours)."""
    for path in files:
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                head = [handle.readline(MAX_SPEC + 100) for _ in range(5)]
        except OSError:
            continue
        for line in head:
            if line.startswith(RECORD_PREFIX):
                return check_spec(line[len(RECORD_PREFIX) :].rstrip("\r\n"), f"{path.name}:")
    return None


def installed_spec(direct_url: str | None, version: str = __version__) -> tuple[str, str | None]:
    """(spec, note) for the install PEP 610's ``direct_url.json`` describes (None: from an
    index); the note, for stderr, says why a local install gave ``imagetailor==VERSION``."""
    pinned = f"{DISTRIBUTION}=={version}"
    if direct_url is None:
        return pinned, None
    try:
        data = json.loads(direct_url)
        url = data["url"]
        assert isinstance(url, str) and isinstance(data, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        return pinned, f"imagetailor's direct_url.json is unreadable: CI installs {pinned}"
    local = urlsplit(url).scheme == "file" or "dir_info" in data
    if local:
        return pinned, (
            f"imagetailor is installed from {url[:80]}, which CI cannot reach: the pipelines "
            f"install {pinned} (choose with --tailor-spec, e.g. git+https://HOST/REPO@TAG)"
        )
    subdirectory = data.get("subdirectory")
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") in VCS:
        revision = vcs.get("commit_id") or vcs.get("requested_revision")
        prefix = "" if url.startswith(f"{vcs['vcs']}+") else f"{vcs['vcs']}+"
        spec = prefix + url + (f"@{revision}" if isinstance(revision, str) and revision else "")
    else:
        spec = url
    if isinstance(subdirectory, str) and subdirectory:
        spec += f"#subdirectory={subdirectory}"
    try:
        return check_spec(spec, "the install's URL"), None
    except UsageError as error:
        return pinned, f"{error}: CI installs {pinned} (choose with --tailor-spec)"


def running_spec() -> tuple[str, str | None]:
    """``installed_spec`` of the imagetailor distribution this process runs from."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        found = distribution(DISTRIBUTION)
    except PackageNotFoundError:
        return installed_spec(None)
    return installed_spec(found.read_text("direct_url.json"), found.version or __version__)


@dataclass(frozen=True)
class TailorSpec:
    spec: str
    chosen: bool  # given by --tailor-spec (now or before), not the default
    note: str | None = None  # for stderr: why the default is not the running install

    def header(self) -> str:
        """The pipeline's comment line recording it (read back only when ``chosen``)."""
        return (RECORD_PREFIX if self.chosen else DEFAULT_PREFIX) + self.spec


def choose_spec(given: str | None, generated: list[Path]) -> TailorSpec:
    """``given``, else the one chosen before that ``generated`` pipelines record, else the
    running tool's own install (the module docstring's order)."""
    if given:
        return TailorSpec(check_spec(given), chosen=True)
    recorded = recorded_spec(generated) if given is None else None
    if recorded is not None:
        return TailorSpec(recorded, chosen=True)
    spec, note = running_spec()
    return TailorSpec(spec, chosen=False, note=note)
