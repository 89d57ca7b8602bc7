"""SPARQL safety of ``kg query`` / :func:`kg.query.run_query`: every SPARQL Update form is refused,
in any case, behind comments, prefixes and ``\\u`` escapes; ``SERVICE`` is refused wherever it
hides (lowercase, nested groups, escaped); the same keywords inside strings, IRIs, comments,
variable and prefixed names are fine; the timeout is enforced; the CLI answers with an exit
code and one line, never a traceback."""

from __future__ import annotations

import time

import pytest

from kg.errors import QueryError
from kg.export.rdf import write_rdf
from kg.graph.build import build_graph
from kg.queries import with_prefixes
from kg.query import check_query, run_query
from tests.graph.test_build import _analysis, _kb, _met
from tests.reliability._env import run_kg

UPDATES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "INSERT { ?s <http://b> 1 } WHERE { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/x.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://g>",
    "CLEAR ALL", "CLEAR DEFAULT", "CLEAR NAMED", "CLEAR SILENT GRAPH <http://g>",
    "CREATE GRAPH <http://g>", "CREATE SILENT GRAPH <http://g>",
    "DROP ALL", "DROP GRAPH <http://g>", "DROP SILENT DEFAULT",
    "COPY DEFAULT TO <http://g>", "MOVE <http://g> TO DEFAULT", "ADD SILENT <http://g> TO <http://h>",
    "INSERT DATA { <http://a> <http://b> 1 } ; DELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <http://a> <http://b> <http://c> }",
]


def _variants(q: str) -> list[str]:
    return [
        q, q.lower(), q.title(),
        "# just a comment\n" + q,
        "PREFIX ex: <http://example.org/>\nBASE <http://example.org/>\n# INSERT\n" + q,
        "  \n\t" + q,
        with_prefixes(q),
    ]


@pytest.mark.parametrize("q", [v for u in UPDATES for v in _variants(u)])
def test_updates_refused(q):
    with pytest.raises(QueryError, match="read-only"):
        check_query(q)


@pytest.mark.parametrize("q", [
    r"\u0049NSERT DATA { <http://a> <http://b> <http://c> }",
    r"\U00000044ROP ALL",
    r"D\u0045LETE WHERE { ?s ?p ?o }",
])
def test_escaped_updates_refused(q):
    with pytest.raises(QueryError, match="read-only"):
        check_query(q)


SERVICES = [
    "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
    "select * where { service <http://dbpedia.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE SILENT <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b ?c . { OPTIONAL { { service <http://x/> { ?s ?p ?o } } } } }",
    "SELECT * WHERE { { ?a ?b ?c } UNION { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <http://x/> { ?a ?p ?o } } }",
    "SELECT * WHERE { ?a ?b ?c FILTER EXISTS { SERVICE <http://x/> { ?a ?p ?o } } }",
    "SELECT * WHERE { GRAPH ?g { SERVICE <http://x/> { ?s ?p ?o } } }",
    "SELECT * WHERE { BIND(<http://x/> AS ?svc) SERVICE ?svc { ?s ?p ?o } }",
    "ASK { SERVICE <http://x/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } }",
    "PREFIX x: <http://x/>\n# comment\nSELECT * WHERE {SERVICE x:sparql{?s ?p ?o}}",
    "SELECT * WHERE {\nSERVICE\n<http://x/>\n{ ?s ?p ?o }\n}",
    r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0073\u0065rvice <http://127.0.0.1:9/> { ?s ?p ?o } }",
    r"SELECT * WHERE { \U00000053ERVICE <http://x/> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("q", SERVICES)
def test_service_refused(q):
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(q)
    check_query(q, allow_service=True)  # allowed on request (not run here)


ALLOWED = [
    ('SELECT ?x WHERE { BIND("DELETE SERVICE INSERT DROP" AS ?x) }', "DELETE SERVICE INSERT DROP"),
    ("SELECT ?x WHERE { BIND('service load clear' AS ?x) }", "service load clear"),
    ('SELECT ?x WHERE { BIND("""multi\nline SERVICE <http://x/> { }\nINSERT DATA""" AS ?x) }', "multi\nline SERVICE <http://x/> { }\nINSERT DATA"),
    ("SELECT ?x WHERE { BIND('''SERVICE''' AS ?x) }", "SERVICE"),
    ('SELECT ?x WHERE { BIND("quote \\" SERVICE \\" inside" AS ?x) }', 'quote " SERVICE " inside'),
    ("SELECT ?x WHERE { BIND(<http://example.org/SERVICE/INSERT> AS ?x) }", "http://example.org/SERVICE/INSERT"),
    ("# SERVICE <http://x/> { ?s ?p ?o } and DROP ALL\nSELECT ?x WHERE { BIND(1 AS ?x) } # INSERT", "1"),
    ("SELECT ?service WHERE { BIND(2 AS ?service) }", "2"),
    ("SELECT ?x WHERE { BIND(3 AS ?insert) BIND(?insert AS ?x) }", "3"),
    ("PREFIX service: <http://example.org/>\nSELECT ?x WHERE { BIND(service:load AS ?x) }", "http://example.org/load"),
    ('SELECT ?x WHERE { BIND("كلمة SERVICE عربية"@ar AS ?x) }', "كلمة SERVICE عربية"),
]


@pytest.fixture(scope="module")
def ttl(tmp_path_factory):
    G = build_graph([_analysis("a", [_met("a", "2024-06-19")])], _kb())
    return write_rdf(G, tmp_path_factory.mktemp("q") / "graph.ttl")


@pytest.mark.parametrize("q,value", ALLOWED)
def test_keywords_inside_strings_iris_comments_and_names_allowed(ttl, q, value):
    names, rows = run_query(ttl, with_prefixes(q), timeout=20)
    assert rows == [[value]]


def test_from_clause_does_not_load_local_files(ttl, tmp_path):
    secret = tmp_path / "secret.nt"
    secret.write_text('<http://s> <http://p> "SECRET-VALUE" .\n', encoding="utf-8")
    for q in (f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
              f"SELECT ?o FROM NAMED <{secret.as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        try:
            _, rows = run_query(ttl, q, timeout=20)
        except QueryError:
            continue
        assert not any("SECRET-VALUE" in (v or "") for r in rows for v in r)


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_timeout_enforced(ttl):
    t = time.perf_counter()
    with pytest.raises(QueryError, match="timed out"):
        run_query(ttl, SLOW, timeout=0.5)
    assert time.perf_counter() - t < 5


def test_timeout_kills_the_worker(ttl):
    import multiprocessing

    before = set(p.pid for p in multiprocessing.active_children())
    with pytest.raises(QueryError):
        run_query(ttl, SLOW, timeout=0.3)
    assert not [p for p in multiprocessing.active_children() if p.pid not in before and p.is_alive()]


# ------------------------------------------------------------------ CLI
@pytest.mark.parametrize("q,code,message", [
    ("DELETE WHERE { ?s ?p ?o }", 1, "read-only"),
    ("drop all", 1, "read-only"),
    ("select * where { service <http://x/> { ?s ?p ?o } }", 1, "SERVICE"),
    (r"SELECT * WHERE { \u0053ERVICE <http://x/> { ?s ?p ?o } }", 1, "SERVICE"),
    ("SELECT * WHERE {", 1, "syntax error"),
])
def test_cli_refuses_without_traceback(ttl, q, code, message):
    r = run_kg("query", str(ttl), q)
    assert r.returncode == code, r.stdout + r.stderr
    assert message in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_cli_timeout(ttl):
    t = time.perf_counter()
    r = run_kg("query", str(ttl), SLOW, "--timeout", "0.5")
    assert r.returncode == 1 and "timed out" in r.stderr and "Traceback" not in r.stderr
    assert time.perf_counter() - t < 15


def test_cli_missing_graph_file(tmp_path):
    r = run_kg("query", str(tmp_path / "nope.ttl"), "SELECT * WHERE { ?s ?p ?o }")
    assert r.returncode != 0 and "no such RDF file" in r.stderr and "Traceback" not in r.stderr


def test_cli_allows_keywords_in_strings(ttl):
    r = run_kg("query", str(ttl), 'SELECT ?x WHERE { BIND("DELETE SERVICE" AS ?x) }', "--format", "csv")
    assert r.returncode == 0 and r.stdout == "x\nDELETE SERVICE\n"


@pytest.mark.parametrize("content", [None, b"SELECT * WHERE { ?s ?p \xff }"])
def test_cli_bad_query_file_is_a_message(ttl, tmp_path, content):
    path = tmp_path / "q.rq"
    if content is not None:
        path.write_bytes(content)
    r = run_kg("query", str(ttl), f"@{path}")
    assert r.returncode in (1, 2) and "Traceback" not in r.stderr + r.stdout


@pytest.mark.parametrize("timeout", [0, -1, float("nan")])
def test_invalid_timeout_refused(ttl, timeout):
    with pytest.raises(QueryError, match="timeout must be a positive"):
        run_query(ttl, "ASK { ?s ?p ?o }", timeout=timeout)


@pytest.mark.parametrize("timeout", [float("inf"), 1e300])
def test_huge_timeout_means_no_limit(ttl, timeout):
    assert run_query(ttl, "ASK { ?s ?p ?o }", timeout=timeout) == (["ask"], [[True]])


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e300"])
def test_cli_timeout_values_never_traceback(ttl, value):
    r = run_kg("query", str(ttl), "ASK { ?s ?p ?o }", f"--timeout={value}")
    assert "Traceback" not in r.stderr + r.stdout
    assert r.returncode in (0, 1)
