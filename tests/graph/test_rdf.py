from pathlib import Path

import pytest
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


def test_turtle_written_by_oxigraph_holds_the_rdflib_triples_in_the_same_bytes_every_run(tmp_path):
    import subprocess
    import sys

    from rdflib.compare import isomorphic

    from kg.export.rdf import to_turtle

    data = to_turtle(_graph())
    assert isomorphic(rdflib.Graph().parse(data=data, format="turtle"), to_rdf(_graph()))
    head = [line for line in data.decode("utf-8").splitlines() if line.startswith("@prefix")]
    assert head == sorted(head) and any(line.startswith("@prefix rwb:") for line in head)
    assert "rid:vladimir-putin" in data.decode("utf-8")  # prefixed names, not full IRIs
    # another interpreter (another hash seed) writes the same bytes
    code = ("import sys; from tests.graph.test_rdf import _graph; from kg.export.rdf import to_turtle; "
            "sys.stdout.buffer.write(to_turtle(_graph()))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}, cwd=Path(__file__).resolve().parents[2]).stdout
    assert other == data


def test_rdf_evidence_has_offsets_and_sentence():
    g = to_rdf(_graph())
    q = """SELECT ?s ?start ?end WHERE { ?e rwb:evidence ?ev . ?ev rwb:sentence ?s ; rwb:start ?start ; rwb:end ?end }"""
    rows = list(g.query(q, initNs={"rwb": RWB}))
    assert rows and all(int(r[2]) > int(r[1]) for r in rows)
    assert str(rows[0][0]) == "التقى كيم بوتين"


def test_rdf_trig_has_one_named_graph_per_document(tmp_path):
    from kg.export.rdf import write_rdf
    from tests.graph.test_build import _analysis, _kb, _met

    G = build_graph([_analysis("a", [_met("a", "2024-06")]), _analysis("b", [_met("b", "2019-04")])], _kb())
    path = write_rdf(G, tmp_path / "g.trig", format="trig")
    ds = rdflib.Dataset()
    ds.parse(path, format="trig")
    names = sorted(str(c.identifier) for c in ds.contexts() if str(c.identifier).startswith("https://w3id.org/rawabit/graph/"))
    assert names == ["https://w3id.org/rawabit/graph/a", "https://w3id.org/rawabit/graph/b"]
    a = ds.graph(rdflib.URIRef(names[0]))
    dates = sorted(str(o) for o in a.objects(None, RWB.date))
    assert dates == ["2024-06"]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "xml", "trig", "nquads"])
def test_rdf_every_format_round_trips_deterministically(tmp_path, fmt):
    from kg.export.rdf import write_rdf

    G = _graph()
    p1, p2 = write_rdf(G, tmp_path / "1", format=fmt), write_rdf(G, tmp_path / "2", format=fmt)
    assert p1.read_bytes() == p2.read_bytes()
    if fmt in ("trig", "nquads"):
        ds = rdflib.Dataset()
        ds.parse(p1, format=fmt)
        assert len(ds) > 0
    else:
        g = rdflib.Graph().parse(p1, format=fmt)
        assert (entity_iri("kim-jong-un"), RWB.met, entity_iri("vladimir-putin")) in g


def test_rdf_export_conforms_to_shacl_shapes():
    from kg.export.rdf import validate

    conforms, report = validate(to_rdf(_graph()))
    assert conforms, report


def test_rdf_shacl_catches_a_broken_export():
    from kg.export.rdf import validate

    g = to_rdf(_graph())
    for ev in list(g.subjects(RDF.type, RWB.Evidence)):
        g.remove((ev, RWB.sentence, None))
    conforms, _ = validate(g)
    assert not conforms
