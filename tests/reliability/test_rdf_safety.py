"""RDF safety: attacker-controlled names, sentences, titles and file names round-trip through
Turtle, N-Triples, JSON-LD (and TriG / N-Quads) in rdflib and in Oxigraph, literal for literal,
and every IRI is minted from a safe slug (ASCII, no spaces, no ``<>"{}|^`\\``).

The graph is built by hand with :func:`kg.graph.build.build_graph` from hand-made
:class:`DocumentAnalysis` objects (as ``tests/graph/test_build.py`` does).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from kg.analysis import DocumentAnalysis
from kg.entities.kb import KnowledgeBase
from kg.entities.model import Entity, Mention
from kg.export.rdf import to_rdf, write_rdf
from kg.graph.build import build_graph
from kg.relations.model import Event, Evidence

PAYLOADS = [
    'قال "بوتين" \'نعم\' «حسنا»',
    "سطر\nجديد\r\nو\tتبويب\u2028فاصل\u2029فقرة\x85",
    "back\\slash \\n \\u0041 \\\" \\",
    "<script>alert(1)</script> > < & {x} | ^ ` ~",
    '"""triple""" \'\'\'x\'\'\' "',
    "\u202eبوتين\u202c \u2066كيم\u2069 \u200fروسيا\u200e \u061c\u200b\u200c\u200d\ufeff",
    "@prefix x: <http://evil/> . <a> <b> <c> .",
    '{"@id": "http://evil/", "@context": {"@vocab": "x"}}',
    "_:b0 ?x $y %20 %zz #frag",
    "\x01\x08\x0b\x0c\x1b[31m\x7f\x9f",
    "emoji 🇷🇺 𝔸 \U0010fffd",
    "   leading and trailing spaces   ",
]
DOC_IDS = ["my doc (1)", 'a"b<c>{d}|e^f`g\\h', "\u202eevil\u202c.txt", "../../etc/passwd", "doc#1?x=%20&y",
           "تقرير «خاص» 2024", "a b\tc\nd"]
BAD_IRI_CHARS = re.compile(r'[\s<>"{}|^`\\\x00-\x20\x7f-\x9f]')


def _kb() -> KnowledgeBase:
    return KnowledgeBase([
        Entity("vladimir-putin", "PERSON", PAYLOADS[0], "Putin \"the\" <b>", "Q7747"),
        Entity("russia", "STATE", PAYLOADS[5], "Russia\n", "Q159"),
    ])


def _graph():
    analyses = []
    for k, doc_id in enumerate(DOC_IDS):
        text = " ".join(PAYLOADS)
        sentence = PAYLOADS[k % len(PAYLOADS)] + " التقى"
        evil_id = f'person-x"y<z>{k} w'  # an unknown entity whose minted id is hostile too
        mentions = [Mention(0, 5, PAYLOADS[(k + j) % len(PAYLOADS)], [eid], "PERSON", "ner", 0.9)
                    for j, eid in enumerate(["vladimir-putin", evil_id])]
        mentions += [Mention(0, 5, p, [evil_id], "PERSON", "ner", 0.9) for p in PAYLOADS]  # every payload as an alias
        ev = Event("met", ["vladimir-putin", evil_id], date="2024-06-19", place="russia", confidence=0.8,
                   evidence=[Evidence(doc_id, 0, len(sentence), sentence, "rules:met:verb", 0.8)])
        visit = Event("visited", [evil_id], ["russia"], date="2024-06", status="planned", confidence=0.6,
                      evidence=[Evidence(doc_id, 3, 9, PAYLOADS[(k + 3) % len(PAYLOADS)], "rules:visited:verb", 0.6)])
        analyses.append(DocumentAnalysis(
            doc_id, PAYLOADS[(k + 1) % len(PAYLOADS)], "2024-06-19", "metadata", f"/in/{doc_id}.txt", "x",
            mentions, [{"person": evil_id, "role": "president", "of": "russia", "title": PAYLOADS[(k + 2) % len(PAYLOADS)]}],
            [ev, visit]))
    return build_graph(analyses, _kb())


@pytest.fixture(scope="module")
def rdf():
    G = _graph()
    return G, to_rdf(G)


def _literals(g) -> set[tuple[str, str | None, str | None]]:
    out = set()
    for triple in g:
        for t in triple:
            if isinstance(t, Literal):
                out.add((str(t), t.language, str(t.datatype) if t.datatype else None))
    return out


def _iris(g) -> set[str]:
    return {str(t) for triple in g for t in triple if isinstance(t, URIRef)}


def test_payloads_reach_the_graph(rdf):
    _, g = rdf
    lits = {v for v, _, _ in _literals(g)}
    for p in PAYLOADS:
        assert any(p in v for v in lits), f"payload lost before serialization: {p!r}"


def test_iris_are_safe_slugs(rdf):
    _, g = rdf
    for iri in _iris(g):
        assert iri.isascii(), iri
        assert not BAD_IRI_CHARS.search(iri), f"unsafe IRI {iri!r}"
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", iri), iri
        assert not re.search(r"%(?![0-9A-F]{2})", iri), f"bad percent-escape in {iri!r}"


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_expected(literals, fmt):
    """RDF/XML cannot hold C0 controls (XML 1.0): the exporter drops them, every other character stays."""
    if fmt != "xml":
        return literals
    return {(_XML_FORBIDDEN.sub("", v),) + tuple(rest) for v, *rest in literals}


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "xml"])
def test_rdflib_round_trip(rdf, tmp_path, fmt):
    G, g = rdf
    path = write_rdf(G, tmp_path / f"graph.{fmt}", format=fmt)
    back = Graph().parse(path, format=fmt)
    assert _literals(back) == _xml_expected(_literals(g), fmt)
    assert _iris(back) == _iris(g)
    assert len(back) == len(g)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_rdflib_round_trip_datasets(rdf, tmp_path, fmt):
    G, g = rdf
    path = write_rdf(G, tmp_path / f"graph.{fmt}", format=fmt)
    back = Dataset()
    back.parse(path, format=fmt)
    assert _literals(back.quads()) >= _literals(g)
    assert not any(BAD_IRI_CHARS.search(str(c.identifier)) for c in back.graphs())


def _ox_literals(quads) -> set[tuple[str, str | None, str | None]]:
    import pyoxigraph as ox

    out = set()
    for q in quads:
        for t in (q.subject, q.predicate, q.object):
            if isinstance(t, ox.Literal):
                dt = t.datatype.value if t.datatype else None
                if t.language or dt == "http://www.w3.org/2001/XMLSchema#string":
                    dt = None
                out.add((t.value, t.language, dt))
    return out


@pytest.mark.parametrize("fmt,ox_fmt", [("turtle", "TURTLE"), ("nt", "N_TRIPLES"), ("json-ld", "JSON_LD"),
                                        ("xml", "RDF_XML"), ("trig", "TRIG"), ("nquads", "N_QUADS")])
def test_oxigraph_round_trip(rdf, tmp_path, fmt, ox_fmt):
    import pyoxigraph as ox

    G, g = rdf
    path = write_rdf(G, tmp_path / f"graph.{fmt}", format=fmt)
    store = ox.Store()
    store.load(path=str(path), format=getattr(ox.RdfFormat, ox_fmt))
    expected = {(v, lang, None if dt == "http://www.w3.org/2001/XMLSchema#string" else dt) for v, lang, dt in _xml_expected(_literals(g), fmt)}
    got = _ox_literals(store)
    assert got >= expected if fmt in ("trig", "nquads") else got == expected
    # and back out of Oxigraph into rdflib: still the same literals
    if fmt == "turtle":
        data = store.dump(format=ox.RdfFormat.N_QUADS)
        back = Dataset()
        back.parse(data=data.decode("utf-8"), format="nquads")
        assert {(v, l, d if d != "http://www.w3.org/2001/XMLSchema#string" else None) for v, l, d in _literals(back.quads())} == expected


def test_query_finds_hostile_literals(rdf, tmp_path):
    """A SPARQL query over the exported file returns the payload unchanged (kg query path)."""
    from kg.queries import with_prefixes
    from kg.query import run_query

    G, _ = rdf
    path = write_rdf(G, tmp_path / "graph.ttl")
    names, rows = run_query(path, with_prefixes("SELECT ?s WHERE { ?e rwb:evidence ?x . ?x rwb:sentence ?s }"))
    got = {r[0] for r in rows}
    for p in PAYLOADS[:5]:
        assert any(v.startswith(p) for v in got), p


@pytest.mark.parametrize("value", ["2024-13-45", "2023-02-29", "2024-00"])
def test_invalid_dates_are_not_ill_typed(value):
    from kg.export.rdf import date_literal

    lit = date_literal(value)
    assert lit.datatype is None or lit.ill_typed is False


def test_graphml_with_control_characters_reads_back(tmp_path):
    from kg.export.graphml import read_graphml, write_graphml

    kb = KnowledgeBase([Entity("russia", "STATE", "روسيا\x01\x1b[31m", "Russia", "Q159")])
    m = Mention(0, 5, "روسيا", ["russia"], "STATE", "label", 1.0)
    G = build_graph([DocumentAnalysis("d", "عنوان\x01", None, None, None, "x", [m], [], [])], kb)
    H = read_graphml(write_graphml(G, tmp_path / "graph.graphml"))
    assert set(H.nodes) == {"russia"}


def test_graphml_round_trip_without_control_characters(tmp_path):
    """Everything else (quotes, <>, bidi, newlines, backslashes) survives GraphML."""
    from kg.export.graphml import read_graphml, write_graphml

    global PAYLOADS
    saved = PAYLOADS
    PAYLOADS = [p for p in saved if not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", p)]
    try:
        G = _graph()
    finally:
        PAYLOADS = saved
    H = read_graphml(write_graphml(G, tmp_path / "graph.graphml"))
    assert set(H.nodes) == set(G.nodes)
    for n, d in G.nodes(data=True):
        assert H.nodes[n]["label_ar"] == d["label_ar"]
        assert sorted(H.nodes[n]["aliases"]) == sorted(d["aliases"])
