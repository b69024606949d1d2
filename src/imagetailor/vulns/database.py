"""An offline OSV database: a directory of *.json records (searched recursively) or a zip of
them (osv.dev's per-ecosystem all.zip), read once per run and indexed by (ecosystem,
normalised name).

Records are read as a stream: the index keeps only where each record is (file or member name),
and the few records an image's packages hit are read again when matched, so 100k+ records cost
a few MB. Every record is bounded in size; a zip is bounded in members and never extracted. A
record that is not valid OSV (bad JSON, wrong shapes) is skipped and counted, never raised.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imagetailor.errors import UsageError
from imagetailor.vulns.ecosystems import ecosystem_normalisation, normalise

MAX_RECORD_BYTES = 8 << 20  # the biggest osv.dev records (long versions lists) are ~2 MiB
MAX_RECORDS = 2_000_000  # osv.dev's all.zip of every ecosystem holds well under this
_EVENTS = ("introduced", "fixed", "last_affected", "limit")


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        self.skipped = 0
        self.withdrawn = 0
        self._index: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._cache: dict[str, dict[str, Any]] = {}
        self._zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self._scan(self._directory_members())
        elif path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise UsageError(f"vulnerability database {path}: not a zip ({exc})") from None
            self._scan(self._zip_members())
        else:
            raise UsageError(f"vulnerability database {path}: no such directory or zip file")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    # --- reading -------------------------------------------------------------------------

    def _directory_members(self) -> Iterator[str]:
        count = 0
        for folder, dirs, files in os.walk(self.path):  # symlinked folders are not followed
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".json"):
                    count += 1
                    if count > MAX_RECORDS:
                        raise UsageError(
                            f"vulnerability database {self.path}: more than {MAX_RECORDS} "
                            "records; not an OSV database"
                        )
                    yield os.path.join(folder, name)

    def _zip_members(self) -> Iterator[str]:
        assert self._zip is not None
        infos = self._zip.infolist()
        if len(infos) > MAX_RECORDS:
            raise UsageError(
                f"vulnerability database {self.path}: {len(infos)} members, more than "
                f"{MAX_RECORDS}; not an OSV database"
            )
        for info in infos:
            if not info.is_dir() and info.filename.endswith(".json"):
                yield info.filename

    def _read(self, where: str) -> bytes | None:
        """The bytes of a record, None when it is too big or unreadable."""
        try:
            if self._zip is not None:
                info = self._zip.getinfo(where)
                if info.file_size > MAX_RECORD_BYTES:
                    return None
                with self._zip.open(info) as member:  # sizes in headers may lie: read bounded
                    data = member.read(MAX_RECORD_BYTES + 1)
            else:
                if not stat.S_ISREG(os.lstat(where).st_mode):
                    return None  # a symlink or a device: not read
                with open(where, "rb") as handle:
                    data = handle.read(MAX_RECORD_BYTES + 1)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError):
            return None
        return None if len(data) > MAX_RECORD_BYTES else data

    def _record(self, where: str) -> dict[str, Any] | None:
        data = self._read(where)
        if data is None:
            return None
        try:
            record = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return record if valid(record) else None

    def _scan(self, members: Iterator[str]) -> None:
        for where in members:
            record = self._record(where)
            if record is None:
                self.skipped += 1
                continue
            self.records += 1
            if record.get("withdrawn"):  # withdrawn advisories never match
                self.withdrawn += 1
                continue
            for key in {
                self.key_of(affected["package"])
                for affected in record.get("affected", [])
                if "package" in affected
            }:
                self._index[key].append(where)

    @staticmethod
    def key_of(package: dict[str, Any]) -> tuple[str, str]:
        """The index key of a record's ``affected[].package``."""
        return package["ecosystem"], _name(package)

    def records_for(self, key: tuple[str, str]) -> list[dict[str, Any]]:
        """The (not withdrawn) records that name this (ecosystem, normalised name)."""
        found = []
        for where in self._index.get(key, ()):
            record = self._cache.get(where)
            if record is None:
                record = self._record(where)
                if record is None:  # changed under us since the scan
                    continue
                self._cache[where] = record
            found.append(record)
        return found


def _name(package: dict[str, Any]) -> str:
    ecosystem = package["ecosystem"]
    return normalise(package["name"], ecosystem_normalisation(ecosystem))


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def valid(record: object) -> bool:
    """Just the shapes matching reads (OSV schema 1.x); everything else is left alone."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return False
    if not _strings(record.get("aliases", [])) or not isinstance(record.get("severity", []), list):
        return False
    affected = record.get("affected", [])
    if not isinstance(affected, list):
        return False
    for entry in affected:
        if not isinstance(entry, dict):
            return False
        package = entry.get("package")
        if package is not None and not (
            isinstance(package, dict)
            and isinstance(package.get("ecosystem"), str)
            and isinstance(package.get("name"), str)
        ):
            return False
        if not _strings(entry.get("versions", [])):
            return False
        ranges = entry.get("ranges", [])
        if not isinstance(ranges, list):
            return False
        for span in ranges:
            if not isinstance(span, dict) or not isinstance(span.get("type"), str):
                return False
            events = span.get("events")
            if not isinstance(events, list) or not all(
                isinstance(event, dict)
                and len(event) == 1
                and next(iter(event)) in _EVENTS
                and isinstance(next(iter(event.values())), str)
                for event in events
            ):
                return False
    return True
