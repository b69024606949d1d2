"""Java archives: ``META-INF/maven/GROUP/ARTIFACT/pom.properties``, which Maven writes into every
jar it builds, inside .jar/.war/.ear files and in unpacked ones (an exploded war). Named as
syft does: the artifactId, with the groupId in the purl (pkg:maven/GROUP/ARTIFACT@VERSION).

Archives are read in the layer worker (``reduce``) and only the small list of what they hold
rides on: from memory, never extracted, bounded at every step — the archive's size, the number
of entries, the bytes inflated per entry and in total (a zip bomb stops at the bound), and the
depth of archives inside archives (Spring Boot's BOOT-INF/lib/*.jar, a war's WEB-INF/lib/*.jar).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator

from imagetailor.analysis.analyzers.interface import Analyzer, Context, Found, Wants, purl, text_of

ARCHIVE_SUFFIXES = (".jar", ".war", ".ear")
MAX_ARCHIVE_BYTES = 128 << 20  # a Spring Boot fat jar is tens of MiB
MAX_ENTRIES = 100_000  # central directory records read per archive
MAX_PROPERTIES_BYTES = 64 << 10
MAX_NESTED_BYTES = 64 << 20  # one archive inside an archive, inflated
MAX_INFLATED_BYTES = 256 << 20  # everything inflated for one outer archive
MAX_LICENSES = 16
MAX_DEPTH = 2  # the outer archive is depth 0; jars in a jar are 1; jars in those are 2
RECORD_MARK = b"jar-contents\n"
# "name-1.2.3" -> (name, 1.2.3): the version starts at the first "-" before a digit
_FILE_NAME = re.compile(r"(.+?)(?:-(\d.*))?\Z")
_VERSION_FIELDS = ("Implementation-Version", "Specification-Version", "Bundle-Version")
# syft's order (cpegenerate: primary, then secondary fields); a group starts with a domain.
_GROUP_FIELDS = (
    "Group-Id", "Bundle-SymbolicName", "Extension-Name", "Specification-Vendor",
    "Implementation-Vendor", "Implementation-Vendor-Id", "Implementation-Title",
    "Bundle-Activator", "Automatic-Module-Name", "Main-Class", "Package",
)  # fmt: skip
_DOMAINS = ("com.", "org.", "net.", "io.", "be.")
_PROPERTY = re.compile(r"([^=:\s]+)\s*[=:]\s*(.*)")
_POM = re.compile(r"(?:^|/)META-INF/maven/[^/]+/[^/]+/pom\.properties\Z")


def properties(text: str) -> dict[str, str]:
    """The ``key=value`` lines of a Java properties file (comments and blanks skipped)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#!":
            continue
        match = _PROPERTY.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, OSError, EOFError)


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_INFLATED_BYTES

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
        """At most ``limit`` inflated bytes of one entry; None when it is bigger (whatever its
        header claims: the read stops at the bound) or the total budget is spent."""
        limit = min(limit, self.left)
        if info.file_size > limit:
            return None
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        except (*_UNREADABLE, RuntimeError, NotImplementedError):
            return None  # one bad entry (a CRC error, encrypted, unknown method) is skipped
        if len(data) > limit:
            return None
        self.left -= len(data)
        return data


def _scan(
    data: bytes, name: str, inner: str, depth: int, budget: _Budget, out: list[list[str]]
) -> None:
    """Append the packages of the archive ``data`` (file name ``name``) to ``out``."""
    artifacts: set[str] = set()  # what this archive's own pom.properties name
    first = len(out)
    manifest: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise zipfile.BadZipFile(f"more than {MAX_ENTRIES} entries")
        for info in infos:
            entry = info.filename
            if _POM.search(entry):
                raw = budget.read(archive, info, MAX_PROPERTIES_BYTES)
                if raw is not None:
                    props = properties(text_of(raw))
                    artifact = props.get("artifactId", "")
                    if artifact:
                        group, version = props.get("groupId", ""), props.get("version", "")
                        out.append([group, artifact, version, inner])
                        artifacts.add(artifact)
            elif entry == "META-INF/MANIFEST.MF":
                raw = budget.read(archive, info, MAX_PROPERTIES_BYTES)
                manifest = main_section(text_of(raw)) if raw is not None else {}
            elif depth < MAX_DEPTH and entry.endswith(ARCHIVE_SUFFIXES):
                nested = budget.read(archive, info, MAX_NESTED_BYTES)
                if nested is None:
                    continue
                where = f"{inner}:{entry}" if inner else entry
                try:
                    _scan(nested, entry, where, depth + 1, budget, out)
                except _UNREADABLE:
                    continue  # one bad jar inside does not hide what the others hold
    own = identity(name, manifest, artifacts)
    licenses = "\n".join(bundle_licenses(manifest.get("Bundle-License", "")))
    if own is not None:
        out.append([*own, inner, licenses])
    elif licenses:
        # The manifest is the archive's own: its licence goes to the pom.properties that
        # names the archive (the test ``identity`` makes), not to what is shaded inside.
        for row in out[first:]:
            if row[3] == inner and _names(name, row[1]):
                row.append(licenses)


def main_section(text: str) -> dict[str, str]:
    """The main section of a jar manifest: ``Name: value`` lines, a leading space continuing
    the line before, up to the first blank line."""
    fields: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line:
            break
        if line[0] == " " and last:
            fields[last] += line[1:]
        elif ":" in line:
            last, _, value = line.partition(":")
            fields[last] = value.strip()
    return fields


def _artifact_of(name: str) -> str:
    base = name[name.rfind("/") + 1 :].rpartition(".")[0]
    named = _FILE_NAME.match(base)
    return named.group(1) if named else base


def _names(name: str, artifact: str) -> bool:
    """Whether a pom.properties' artifact names the archive ``name``."""
    own = _artifact_of(name)
    return bool(own) and (artifact.startswith(own) or own.endswith(artifact))


def bundle_licenses(value: str) -> list[str]:
    """OSGi's ``Bundle-License``: a comma-separated list of licences (SPDX ids, names or
    URLs), each optionally with ``;description=...;link=...`` attributes."""
    names = []
    for part in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*\Z)", value)[:MAX_LICENSES]:
        name = part.split(";", 1)[0].strip().strip('"').strip()
        if name and len(name) <= 200:
            names.append(name)
    return list(dict.fromkeys(names))


def identity(name: str, manifest: dict[str, str], artifacts: set[str]) -> tuple[str, ...] | None:
    """The archive's own (group, artifact, version) when none of its pom.properties names it,
    the way syft makes one: artifact and version from the file name ("commons-io-2.11.0.jar"),
    else the version from the manifest; the group from the manifest's fields that read as one
    (syft's order), else the artifact. syft also knows a table of artifact -> group for
    well-known jars without metadata: not kept here, so those groups can differ."""
    base = name[name.rfind("/") + 1 :].rpartition(".")[0]
    named = _FILE_NAME.match(base)
    artifact, version = (named.group(1), named.group(2) or "") if named else (base, "")
    # syft's test of a pom.properties naming the archive is loose on purpose: Debian renames
    # geronimo-annotation_1.3_spec to geronimo-annotation-1.3-spec.jar.
    if not artifact or any(_names(name, a) for a in artifacts):
        return None
    if not version:
        version = next((manifest[f] for f in _VERSION_FIELDS if manifest.get(f)), "")
    groups = (manifest.get(f, "").split(";")[0].strip() for f in _GROUP_FIELDS)
    group = next((g for g in groups if g.startswith(_DOMAINS) and " " not in g), artifact)
    return group, artifact, version


def reduce(path: str, data: bytes, size: int) -> bytes:
    """The archive's packages as a small JSON record: [[group, artifact, version, inner path,
    licences one a line]] (inner path '' for the archive itself; the licences only for an
    archive's own package), or {"error": why}."""
    record: object
    if len(data) < size:
        record = {"error": f"larger than {MAX_ARCHIVE_BYTES >> 20} MiB, not read"}
    else:
        found: list[list[str]] = []
        try:
            _scan(data, path, "", 0, _Budget(), found)
            record = found
        except _UNREADABLE as e:
            record = {"error": f"not a readable zip archive ({e})"}
        except Exception as e:  # zipfile raises more than it documents on hostile input
            record = {"error": f"not a readable zip archive ({type(e).__name__})"}
    return RECORD_MARK + json.dumps(record, separators=(",", ":")).encode()


def _found(
    group: str, artifact: str, version: str, path: str, licenses: tuple[str, ...] = ()
) -> Found:
    return Found(
        artifact, version, "maven", purl("maven", artifact, version, group), path,
        licenses=licenses,
    )  # fmt: skip


def collect_properties(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    """An unpacked pom.properties (an exploded war, classes copied into an image)."""
    props = properties(text_of(data))
    if props.get("artifactId"):
        yield _found(props.get("groupId", ""), props["artifactId"], props.get("version", ""), path)


def collect(path: str, data: bytes | None, context: Context) -> Iterator[Found]:
    data = data or b""
    if not data.startswith(RECORD_MARK):
        return
    try:
        record = json.loads(data[len(RECORD_MARK) :])
    except ValueError:
        return
    if isinstance(record, dict):
        context.warn(f"/{path}: {record.get('error', 'not read')}; its packages are not listed")
        return
    seen: set[tuple[str, ...]] = set()
    for row in record if isinstance(record, list) else []:
        if isinstance(row, list) and len(row) in (4, 5) and all(isinstance(x, str) for x in row):
            group, artifact, version, inner = row[:4]
            licenses = tuple(row[4].split("\n")) if len(row) == 5 and row[4] else ()
            if (group, artifact, version) not in seen:
                seen.add((group, artifact, version))
                where = f"{path}:{inner}" if inner else path
                yield _found(group, artifact, version, where, licenses)


ANALYZERS = (
    Analyzer(
        "java-archive",
        2,
        Wants(MAX_ARCHIVE_BYTES, suffixes=ARCHIVE_SUFFIXES, whole=True),
        collect,
        reduce=reduce,
    ),
    Analyzer(
        "java-pom-properties",
        1,
        Wants(MAX_PROPERTIES_BYTES, suffixes=("/pom.properties",), pattern=_POM),
        collect_properties,
    ),
)
