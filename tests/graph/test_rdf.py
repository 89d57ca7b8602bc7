import rdflib
from rdflib import OWL, RDF, XSD, Literal

from kg.export.namespaces import ID, RWB, WD
from kg.export.rdf import date_literal, entity_iri, to_rdf
from kg.graph.build import build_graph
from tests.graph.test_build import _analysis, _kb, _met


def _graph():
    return build_graph([_analysis("a", [_met("a", "2024-06-19"), _met("a", "2025", start=40, status="planned")])], _kb())


def test_rdf_direct_met_edges_both_directions_only_for_asserted():
    g = to_rdf(_graph())
    kim, putin = entity_iri("kim-jong-un"), entity_iri("vladimir-putin")
    assert (kim, RWB.met, putin) in g and (putin, RWB.met, kim) in g
    statuses = sorted(str(o) for o in g.objects(None, RWB.status))
    assert statuses == ["asserted", "planned"]


def test_rdf_entities_have_labels_and_sameas():
    g = to_rdf(_graph())
    putin = ID["vladimir-putin"]
    assert (putin, RDF.type, RWB.Person) in g
    assert (putin, OWL.sameAs, WD.Q7747) in g
    assert Literal("فلاديمير بوتين", lang="ar") in set(g.objects(putin, rdflib.RDFS.label))


def test_rdf_dates_typed_at_their_precision():
    assert date_literal("2024-06-19").datatype == XSD.date
    assert date_literal("2024-06").datatype == XSD.gYearMonth
    assert date_literal("2024").datatype == XSD.gYear
    assert date_literal("--07-12").datatype == XSD.gMonthDay


def test_rdf_turtle_round_trip_is_isomorphic_and_deterministic():
    from rdflib.compare import isomorphic

    g = to_rdf(_graph())
    data = g.serialize(format="turtle")
    assert data == to_rdf(_graph()).serialize(format="turtle")
    g2 = rdflib.Graph().parse(data=data, format="turtle")
    assert isomorphic(g, g2)


def test_rdf_evidence_has_offsets_and_sentence():
    g = to_rdf(_graph())
    q = """SELECT ?s ?start ?end WHERE { ?e rwb:evidence ?ev . ?ev rwb:sentence ?s ; rwb:start ?start ; rwb:end ?end }"""
    rows = list(g.query(q, initNs={"rwb": RWB}))
    assert rows and all(int(r[2]) > int(r[1]) for r in rows)
    assert str(rows[0][0]) == "التقى كيم بوتين"
