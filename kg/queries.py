"""The README's ready-made SPARQL queries (``kg/data/queries/*.rq``) and the standard prefixes."""

from __future__ import annotations

import re
from importlib import resources

from kg.export.namespaces import PREFIXES

STANDARD_PREFIXES = {
    **{k: str(v) for k, v in PREFIXES.items()},
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
}
_DECLARED_RE = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:", re.IGNORECASE | re.MULTILINE)


def with_prefixes(query: str) -> str:
    """Prepend the standard PREFIX lines the query does not declare itself."""
    declared = set(_DECLARED_RE.findall(query))
    head = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in STANDARD_PREFIXES.items() if p not in declared)
    return head + query


def example_queries() -> dict[str, str]:
    """name → SPARQL text of every packaged example query."""
    folder = resources.files("kg") / "data" / "queries"
    return {p.name.removesuffix(".rq"): p.read_text(encoding="utf-8") for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".rq")}
