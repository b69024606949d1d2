"""What an audit judges: every tag of every repository under REGISTRY[/PREFIX], walked through
the distribution API (``/v2/_catalog`` and ``/v2/NAME/tags/list``, both paginated with ``n`` and
``Link: <...>; rel="next"``), or the references listed in a file.

A registry's answers are untrusted: each page is read bounded, a next link may only lead to the
same endpoint on the same registry (never to another host), and the walk stops at
``MAX_REPOSITORIES`` repositories and ``MAX_TAGS`` tags per repository with a clear error, not a
silent cut.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from imagetailor.errors import BadImageError, SourceUnavailableError, UsageError, one_line
from imagetailor.image.credentials import find_credentials
from imagetailor.image.http import read_bounded
from imagetailor.image.reference import ImageName, parse_name
from imagetailor.image.registry import RegistryStore

PAGE = 100  # entries asked for per page (the registry may send fewer)
MAX_PAGE_BYTES = 4 * 1024 * 1024
MAX_REPOSITORIES = 10_000
MAX_TAGS = 10_000  # per repository
MAX_PAGES = 1_000  # a registry that keeps sending "next" with no new entries is cut off
MAX_LIST_BYTES = 4 * 1024 * 1024  # a --from file
_LINK = re.compile(r"<([^>]*)>\s*;\s*rel=\"?next\"?")
_REGISTRY = re.compile(
    r"^(localhost|[A-Za-z0-9.-]+\.[A-Za-z]{2,}|[0-9.]+|\[[0-9a-fA-F:]+\])(:\d+)?$"
)


def split_target(target: str) -> tuple[str, str]:
    """``REGISTRY[/PREFIX]`` -> (registry, prefix); ``docker://`` is allowed in front."""
    text = target.removeprefix("docker://").strip("/")
    registry, _, prefix = text.partition("/")
    if not _REGISTRY.match(registry) or len(target) > 512:
        raise UsageError(
            f"{one_line(target, 100)!r} is not REGISTRY[/PREFIX]; fix: e.g. 127.0.0.1:5000/team"
        )
    return registry, prefix


def _next_path(link: str | None, endpoint: str, host: str) -> str | None:
    """The path and query of the next page, only if it is the same endpoint of ``host``."""
    if not link:
        return None
    match = _LINK.search(link)
    if match is None:
        return None
    parts = urlsplit(match.group(1))
    if parts.netloc or parts.path != endpoint:
        raise BadImageError(
            f"the registry's next page {one_line(match.group(1), 100)!r} leaves {endpoint}"
        )
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _pages(store: RegistryStore, endpoint: str, key: str, limit: int) -> list[str]:
    """Every entry of a paginated list (``repositories`` or ``tags``)."""
    entries: list[str] = []
    seen: set[str] = set()
    path: str | None = f"{endpoint}?n={PAGE}"
    pages = 0
    while path is not None:
        pages += 1
        if pages > MAX_PAGES:
            raise BadImageError(f"{store.where} sent more than {MAX_PAGES} pages of {endpoint}")
        response, _ = store.get(path, {"Accept": "application/json"}, stream=True)
        try:
            if response.status_code == 404 and key == "tags":
                return []  # a repository deleted while we walked
            if response.status_code != 200:
                raise SourceUnavailableError(
                    f"{store.where} answered {response.status_code} for GET {endpoint}"
                    + (" (check credentials)" if response.status_code in (401, 403) else "")
                )
            body = read_bounded(response, MAX_PAGE_BYTES, f"a page of {endpoint}")
        except httpx.HTTPError as error:
            raise SourceUnavailableError(
                f"cannot read {endpoint} from {store.where}: {one_line(str(error), 120)}"
            ) from None
        finally:
            response.close()
        page = _entries(body, key, endpoint)
        new = [entry for entry in page if entry not in seen]
        if page and not new:
            break  # a "next" that repeats the last page: done, not a loop
        seen.update(new)
        entries += new
        if len(entries) > limit:
            raise BadImageError(f"{store.where} lists more than {limit} {key} at {endpoint}")
        query = parse_qs(urlsplit(path).query)
        host = urlsplit(store.base).netloc
        next_path = _next_path(response.headers.get("link"), endpoint, host)
        if next_path is not None and parse_qs(urlsplit(next_path).query) == query:
            break
        path = next_path
    return entries


def _entries(body: bytes, key: str, endpoint: str) -> list[str]:
    try:
        document: Any = json.loads(body)
    except (ValueError, RecursionError):
        raise BadImageError(f"the registry's {endpoint} is not JSON") from None
    values = document.get(key) if isinstance(document, dict) else None
    if values is None:
        return []  # tags: null for a repository without tags
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadImageError(f"the registry's {endpoint} has no list of {key}")
    return [v for v in values if v]


def walk_registry(
    registry: str, prefix: str, *, docker_config: Path | None = None, timeout: float = 30.0
) -> list[str]:
    """``docker://REGISTRY/REPO:TAG`` for every tag of every repository under ``prefix``."""
    credentials = find_credentials(registry, docker_config)
    # The store is per repository; the catalogue and tag lists ride on its authentication.
    store = RegistryStore(ImageName(registry, "catalogue", None, None), credentials, timeout)
    try:
        repositories = _pages(store, "/v2/_catalog", "repositories", MAX_REPOSITORIES)
        wanted = [
            r for r in repositories if not prefix or r == prefix or r.startswith(prefix + "/")
        ]
        references: list[str] = []
        for repository in sorted(wanted):
            parse_name(f"{registry}/{repository}")  # a hostile name is refused here, in one line
            for tag in sorted(_pages(store, f"/v2/{repository}/tags/list", "tags", MAX_TAGS)):
                references.append(f"docker://{registry}/{repository}:{tag}")
    finally:
        store.close()
    return references


def read_reference_list(path: Path) -> list[str]:
    """References from a file, one a line; blank lines and ``#`` comments are skipped."""
    from imagetailor.untrusted import read_regular

    text = read_regular(path, "reference list", MAX_LIST_BYTES).decode("utf-8", errors="replace")
    references = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if any(c.isspace() for c in entry):
            raise UsageError(f"{path}:{number}: one reference a line ({one_line(entry, 80)!r})")
        references.append(entry)
    if not references:
        raise UsageError(f"{path} lists no references")
    return references
