import json

import pytest

from kg.errors import QueryError
from kg.export.rdf import write_rdf
from kg.graph.build import build_graph
from kg.query import check_query, format_rows, run_query
from kg.queries import example_queries, with_prefixes
from tests.graph.test_build import _analysis, _kb, _met


@pytest.fixture()
def ttl(tmp_path):
    G = build_graph([_analysis("a", [_met("a", "2024-06-19")])], _kb())
    return write_rdf(G, tmp_path / "graph.ttl")


def test_query_select_met(ttl):
    names, rows = run_query(ttl, with_prefixes("SELECT ?b WHERE { rid:kim-jong-un rwb:met ?b }"))
    assert names == ["b"] and rows == [["https://w3id.org/rawabit/id/vladimir-putin"]]


@pytest.mark.parametrize("q", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://example.org/x.ttl>",
])
def test_query_refuses_updates(q):
    with pytest.raises(QueryError, match="read-only"):
        check_query(q)


def test_query_refuses_service():
    with pytest.raises(QueryError, match="SERVICE"):
        check_query("SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }")


def test_query_allows_keywords_inside_strings(ttl):
    names, rows = run_query(ttl, with_prefixes('SELECT ?x WHERE { BIND("DELETE SERVICE" AS ?x) }'))
    assert rows == [["DELETE SERVICE"]]


def test_query_timeout(ttl):
    slow = with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    with pytest.raises(QueryError, match="timed out"):
        run_query(ttl, slow, timeout=0.5)


def test_query_formats():
    assert format_rows(["a"], [["عربي"]], "csv") == "a\nعربي\n"
    assert json.loads(format_rows(["a"], [["عربي"]], "json")) == [{"a": "عربي"}]


def test_example_queries_parse():
    qs = example_queries()
    assert len(qs) >= 5
    for q in qs.values():
        check_query(with_prefixes(q))
