"""RDF export: the graph in the Rawabit vocabulary (``kg/ontology.ttl``), via rdflib.

``to_rdf(G) -> rdflib.Graph`` and ``write_rdf(G, path, format=...)``, as networkx pairs its
readers and writers.  Direct edges (``rwb:met``, ``rwb:visited``, ``rwb:signed``) are written
only for asserted events; planned, negated and hypothetical ones keep their event node and
``rwb:status`` so that nobody mistakes them for facts.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import IO, Iterator
from urllib.parse import quote

import networkx as nx
from rdflib import OWL, PROV, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.export.namespaces import (
    AGENT_PROPERTY, DIRECT_PROPERTY, DOC, ENTITY_CLASSES, EVENT, EVENT_CLASSES, GRAPH, ID, PREFIXES, RWB,
    TARGET_PROPERTY, WD,
)
from kg.graph.schema import iter_events
from kg.util import atomic_file, atomic_write_bytes, xml_legal

__all__ = ["to_rdf", "to_turtle", "to_dataset", "write_rdf", "validate", "document_subgraph", "entity_iri", "doc_iri", "date_literal", "load_ontology"]

FORMATS = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "xml": "rdf", "trig": "trig", "nquads": "nq"}
_XML_FORMATS = ("xml", "pretty-xml", "application/rdf+xml", "trix")


def entity_iri(entity_id: str) -> URIRef:
    return ID[quote(entity_id, safe="-_.~")]


def doc_iri(doc_id: str) -> URIRef:
    return DOC[quote(doc_id, safe="-_.~")]


def event_iri(event_id: str) -> URIRef:
    return EVENT[quote(event_id, safe="-_.~")]


_DATE_FORMS = (  # ASCII digits only: \d would also take Arabic-Indic digits, which XSD does not
    (re.compile(r"--([0-9]{2})-([0-9]{2})"), XSD.gMonthDay),
    (re.compile(r"--([0-9]{2})"), XSD.gMonth),
    (re.compile(r"([0-9]{4})"), XSD.gYear),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), XSD.gYearMonth),
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), XSD.date),
)


def date_literal(value: str) -> Literal:
    """ISO value at its precision → xsd:date / gYearMonth / gYear / gMonthDay / gMonth.

    The value must be a real calendar date (checked with :mod:`datetime`; a month or day alone
    against the leap year 2000, so ``--02-29`` is fine): ``2024-13-45`` or ``2023-02-29`` stays a
    plain string rather than an ill-typed literal that readers reject."""
    for pattern, datatype in _DATE_FORMS:
        m = pattern.fullmatch(value)
        if m is None:
            continue
        parts = [int(p) for p in m.groups()]
        if value.startswith("--"):
            parts.insert(0, 2000)
        year, month, day = (parts + [1, 1])[:3]
        try:
            datetime.date(year, month, day)
        except ValueError:
            break
        return Literal(value, datatype=datatype)
    return Literal(value)  # anything else stays a plain string rather than an invalid typed literal


def load_ontology() -> Graph:
    g = Graph()
    g.parse(data=(resources.files("kg") / "ontology.ttl").read_text(encoding="utf-8"), format="turtle")
    return g


def to_rdf(G: nx.MultiDiGraph, *, include_ontology: bool = True) -> Graph:
    """The graph as RDF triples."""
    g = load_ontology() if include_ontology else Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("skos", SKOS)
    g.bind("prov", PROV)
    g.bind("owl", OWL)

    for doc_id, meta in sorted(G.graph.get("documents", {}).items()):
        d = doc_iri(doc_id)
        g.add((d, RDF.type, RWB.Document))
        g.add((d, RWB.identifier, Literal(doc_id)))
        if meta.get("title"):
            g.add((d, RDFS.label, Literal(meta["title"], lang="ar")))
        if meta.get("date"):
            g.add((d, RWB.date, date_literal(meta["date"])))
        if meta.get("date_source"):
            g.add((d, RWB.dateSource, Literal(meta["date_source"])))

    for node, data in sorted(G.nodes(data=True), key=lambda nd: nd[0]):
        e = entity_iri(node)
        g.add((e, RDF.type, ENTITY_CLASSES[data["type"]]))
        g.add((e, RDFS.label, Literal(data["label_ar"], lang="ar")))
        if data.get("label_en"):
            g.add((e, RDFS.label, Literal(data["label_en"], lang="en")))
        for alias in data.get("aliases", []):
            g.add((e, SKOS.altLabel, Literal(alias, lang="ar")))
        if data.get("qid"):
            g.add((e, OWL.sameAs, WD[data["qid"]]))
        for doc_id in data.get("documents", []):
            g.add((e, RWB.mentionedIn, doc_iri(doc_id)))
        for n, pos in enumerate(data.get("positions", [])):
            p = ID[f"{quote(node, safe='-')}/position/{n + 1}"]
            g.add((e, RWB.holdsPosition, p))
            g.add((p, RDF.type, RWB.Position))
            if pos.get("role"):
                g.add((p, RWB.role, Literal(pos["role"])))
            if pos.get("of"):
                g.add((p, RWB.positionOf, entity_iri(pos["of"])))
            if pos.get("title"):
                g.add((p, RDFS.label, Literal(pos["title"], lang="ar")))

    for ev in iter_events(G):
        x = event_iri(ev["event_id"])
        etype = ev["type"]
        g.add((x, RDF.type, EVENT_CLASSES[etype]))
        g.add((x, RWB.status, Literal(ev["status"])))
        g.add((x, RWB.confidence, Literal(Decimal(str(ev["confidence"])), datatype=XSD.decimal)))
        if ev.get("cameo"):
            g.add((x, RWB.cameoCode, Literal(ev["cameo"])))
        agent_prop = AGENT_PROPERTY.get(etype, RWB.agent)
        for a in ev["participants"]:
            g.add((x, agent_prop, entity_iri(a)))
        for t in ev.get("targets") or []:
            g.add((x, TARGET_PROPERTY.get(etype, RWB.target), entity_iri(t)))
        if ev.get("date"):
            g.add((x, RWB.date, date_literal(ev["date"])))
        if ev.get("place"):
            g.add((x, RWB.place, entity_iri(ev["place"])))
        for n, evd in enumerate(ev["evidence"]):
            g.add((x, PROV.wasDerivedFrom, doc_iri(evd["doc"])))
            g.add((x, RWB.evidenceText, Literal(evd["sentence"], lang="ar")))
            s = EVENT[f"{quote(ev['event_id'], safe='-')}/evidence/{n + 1}"]
            g.add((x, RWB.evidence, s))
            g.add((s, RDF.type, RWB.Evidence))
            g.add((s, RWB.sentence, Literal(evd["sentence"], lang="ar")))
            g.add((s, RWB.start, Literal(evd["start"], datatype=XSD.integer)))
            g.add((s, RWB.end, Literal(evd["end"], datatype=XSD.integer)))
            g.add((s, RWB.extractor, Literal(evd["extractor"])))
            g.add((s, RWB.confidence, Literal(Decimal(str(evd["confidence"])), datatype=XSD.decimal)))
            g.add((s, PROV.wasDerivedFrom, doc_iri(evd["doc"])))
        if ev["status"] == "asserted" and etype in DIRECT_PROPERTY:
            prop = DIRECT_PROPERTY[etype]
            if etype == "met":
                for a in ev["participants"]:
                    for b in ev["participants"]:
                        if a != b:
                            g.add((entity_iri(a), prop, entity_iri(b)))
            else:
                for a in ev["participants"]:
                    for t in ev.get("targets") or []:
                        g.add((entity_iri(a), prop, entity_iri(t)))
    return g


def document_subgraph(G: nx.MultiDiGraph, doc_id: str) -> nx.MultiDiGraph:
    """What one document states: the entities it names and the events it gives evidence for."""
    H = nx.MultiDiGraph()
    H.graph["documents"] = {doc_id: G.graph.get("documents", {}).get(doc_id, {})}
    for n, d in G.nodes(data=True):
        if doc_id in d.get("documents", []):
            H.add_node(n, **{**d, "documents": [doc_id], "positions": [p for p in d.get("positions", []) if p.get("doc") == doc_id]})
    for u, v, k, d in G.edges(keys=True, data=True):
        ev = [e for e in d.get("evidence", []) if e["doc"] == doc_id]
        if ev:
            for n in (u, v):
                if n not in H:
                    H.add_node(n, **{**G.nodes[n], "documents": [], "positions": []})
            H.add_edge(u, v, key=k, **{**d, "evidence": ev})
    return H


def to_dataset(G: nx.MultiDiGraph) -> Dataset:
    """TriG/N-Quads view: the merged graph as the default graph, plus one named graph per document
    (``https://w3id.org/rawabit/graph/{doc}``) holding what that document states."""
    ds = Dataset()
    merged = to_rdf(G)
    for prefix, ns in merged.namespaces():
        ds.bind(prefix, ns)
    ds.bind("rgraph", GRAPH)
    for triple in merged:
        ds.add((*triple, DATASET_DEFAULT_GRAPH_ID))
    for doc_id in sorted(G.graph.get("documents", {})):
        named = ds.graph(GRAPH[quote(doc_id, safe="-_.~")])
        for triple in to_rdf(document_subgraph(G, doc_id), include_ontology=False):
            named.add(triple)
    return ds


def write_rdf(G: nx.MultiDiGraph, path: str | Path, *, format: str = "turtle") -> Path:
    """Serialize atomically in any rdflib format (turtle, nt, json-ld, xml, trig, nquads);
    the same graph always gives the same bytes.  XML formats lose the characters XML 1.0 cannot
    hold (see :func:`kg.util.xml_legal`); the others keep every character."""
    if format in ("trig", "nquads"):
        data = to_dataset(G).serialize(format=format, encoding="utf-8")
    elif format == "turtle":
        return write_turtle(G, path)
    else:
        data = to_rdf(G).serialize(format=format, encoding="utf-8")
    if format in ("nt", "nquads"):  # rdflib writes these lines in hash order: sort them
        data = b"".join(sorted(set(data.splitlines(keepends=True))))
    elif format in _XML_FORMATS:  # rdflib writes \x01 … as is, and the file is not XML any more
        data = xml_legal(data)
    return atomic_write_bytes(Path(path), data)


def _turtle_prefixes() -> dict[str, str]:
    out = {k: str(v) for k, v in PREFIXES.items()}
    out.update(rdf=str(RDF), rdfs=str(RDFS), xsd=str(XSD), owl=str(OWL), skos=str(SKOS), prov=str(PROV))
    return out


def _record_lines(G: nx.MultiDiGraph, batch: int = 20_000) -> Iterator[bytes]:
    """The N-Triples of the graph in batches of whole records (a document; an entity with its
    positions; an event with its evidence), each record's lines sorted so that a subject's triples
    come together for the Turtle writer.  Only one batch is in memory at a time."""
    from kg.export.ntriples import iter_ntriples

    out: list[str] = []
    record: list[str] = []
    key = None
    for line in iter_ntriples(G):
        subject = line[: line.index(" ")]
        k = subject.split("/position/", 1)[0].split("/evidence/", 1)[0]
        if k != key:
            out.extend(sorted(record))
            record = []
            key = k
            if len(out) >= batch:
                yield "".join(out).encode("utf-8")
                out = []
        record.append(line)
    out.extend(sorted(record))
    yield "".join(out).encode("utf-8")


def _turtle_triples(G: nx.MultiDiGraph) -> Iterator:
    import pyoxigraph as ox

    for chunk in _record_lines(G):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES)


def _write_turtle_to(G: nx.MultiDiGraph, dst: IO[bytes], scratch_dir: str | Path | None = None) -> None:
    """Oxigraph writes the Turtle to a temporary body (from the streamed records); ``dst`` gets its
    ``@prefix`` lines sorted (Oxigraph's order is not fixed) and the rest, copied in blocks."""
    import shutil
    import tempfile

    import pyoxigraph as ox

    with tempfile.TemporaryFile(dir=scratch_dir) as body:
        ox.serialize(_turtle_triples(G), body, format=ox.RdfFormat.TURTLE, prefixes=_turtle_prefixes())
        body.seek(0)
        head: list[bytes] = []
        line = body.readline()
        while line.startswith(b"@prefix"):
            head.append(line)
            line = body.readline()
        dst.write(b"".join(sorted(head)) + line)
        shutil.copyfileobj(body, dst, 1 << 20)


def to_turtle(G: nx.MultiDiGraph) -> bytes:
    """The triples of :func:`to_rdf` as Turtle, written by Oxigraph from the streamed N-Triples.

    rdflib's Turtle serializer took most of a large build's export time; Oxigraph (Rust) writes the
    same triples in a fraction of it.  Each record's lines are sorted, so each subject's triples come
    together, and the ``@prefix`` lines are sorted too: the same graph always gives the same bytes.
    """
    import io

    buf = io.BytesIO()
    _write_turtle_to(G, buf)
    return buf.getvalue()


def write_turtle(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """:func:`to_turtle` streamed to ``path`` (atomically): the triples never sit in memory all at
    once, so a 100k-document graph costs the driver a batch, not the whole file."""
    path = Path(path)
    with atomic_file(path) as dst:
        _write_turtle_to(G, dst, scratch_dir=path.parent)
    return path


def validate(g: Graph) -> tuple[bool, str]:
    """Check an export against the packaged SHACL shapes (``kg/shapes.ttl``); needs pySHACL."""
    try:
        from pyshacl import validate as shacl_validate
    except ImportError as err:  # pragma: no cover - optional dependency
        raise ImportError("SHACL validation needs pySHACL: pip install 'rawabit[test]'") from err
    shapes = Graph().parse(data=(resources.files("kg") / "shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    conforms, _graph, text = shacl_validate(g, shacl_graph=shapes, ont_graph=load_ontology(), inference="rdfs", advanced=True)
    return bool(conforms), text
