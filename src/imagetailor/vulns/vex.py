"""What the user says does not apply: ``--ignore-vuln ID`` and OpenVEX documents.

OpenVEX (openvex.dev, spec v0.2.0): ``statements[]`` with ``vulnerability`` (an object with
``name``, or in v0.0.1 a string), ``products[]`` (objects with ``@id``, a purl, optionally with
``subcomponents[]``; or strings) and ``status``. Statements with status ``not_affected`` or
``fixed`` suppress a finding whose id or alias is the vulnerability's name, for the products
they list: a package purl matches by type and name (and by version when the purl has one); an
image purl (pkg:oci/...) or no product at all covers every package of the image.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from imagetailor.analysis.model import Vulnerability
from imagetailor.errors import UsageError
from imagetailor.vulns.ecosystems import managers, normalise

MAX_VEX_BYTES = 16 << 20
SUPPRESSING = ("not_affected", "fixed")


@dataclass(frozen=True)
class Purl:
    type: str
    names: frozenset[str]  # name, namespace/name and namespace:name (maven)
    version: str | None


def parse_purl(text: str) -> Purl | None:
    if not text.startswith("pkg:"):
        return None
    body = text[4:].split("#", 1)[0].split("?", 1)[0].lstrip("/")
    body, _, version = body.partition("@")
    parts = [unquote(p) for p in body.split("/") if p]
    if len(parts) < 2:
        return None
    kind, *namespace, name = parts
    names = {name}
    if namespace:
        names |= {"/".join([*namespace, name]), ":".join([*namespace, name])}
    return Purl(kind.lower(), frozenset(names), unquote(version) or None)


@dataclass(frozen=True)
class Statement:
    vulnerability: str
    products: tuple[Purl | None, ...]  # None: a product that covers the whole image
    status: str


def read_vex(path: Path) -> list[Statement]:
    from imagetailor.untrusted import read_regular

    data = read_regular(path, "VEX file", MAX_VEX_BYTES)
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise UsageError(f"VEX file {path}: not JSON ({exc})") from None
    statements = document.get("statements") if isinstance(document, dict) else None
    if not isinstance(statements, list):
        raise UsageError(f"VEX file {path}: no `statements` list (is it OpenVEX?)")
    found = []
    for statement in statements:
        parsed = _statement(statement)
        if parsed is not None:
            found.append(parsed)
    return found


def _statement(statement: Any) -> Statement | None:
    if not isinstance(statement, dict) or statement.get("status") not in SUPPRESSING:
        return None
    vulnerability = statement.get("vulnerability")
    name = vulnerability.get("name") if isinstance(vulnerability, dict) else vulnerability
    if not isinstance(name, str):
        return None
    products: list[Purl | None] = []
    for product in statement.get("products", []) or []:
        ids: list[object] = [product] if isinstance(product, str) else []
        if isinstance(product, dict):
            ids = [product.get("@id")] + [
                sub.get("@id") for sub in product.get("subcomponents", []) or []
                if isinstance(sub, dict)
            ]  # fmt: skip
        for ident in ids:
            if isinstance(ident, str):
                purl = parse_purl(ident)
                products.append(None if purl is None or purl.type == "oci" else purl)
    return Statement(name, tuple(products) if products else (None,), statement["status"])


def _covers(purl: Purl | None, finding: Vulnerability) -> bool:
    if purl is None:
        return True
    manager = managers().get(finding.manager)
    if manager is None or manager.purl_type != purl.type:
        return False
    if purl.version is not None and purl.version != finding.version:
        return False
    wanted = {normalise(n, manager.names) for n in (finding.package, finding.advisory_package)}
    return any(normalise(n, manager.names) in wanted for n in purl.names)


def suppress(
    findings: list[Vulnerability], ignore: tuple[str, ...], statements: list[Statement], vex: str
) -> list[Vulnerability]:
    """The findings with ``suppressed_by`` set where an ignore or a statement covers them."""
    ignored = set(ignore)
    marked = []
    for finding in findings:
        names = {finding.id, *finding.aliases}
        why = None
        if names & ignored:
            why = "ignore"
        elif any(
            s.vulnerability in names and any(_covers(p, finding) for p in s.products)
            for s in statements
        ):
            why = f"vex:{vex}"
        marked.append(finding.model_copy(update={"suppressed_by": why}) if why else finding)
    return marked
