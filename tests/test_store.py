"""`kg load` into Oxigraph and `kg query --store` (issue 8, large RDF)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyoxigraph")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _kb_dir() -> str | None:
    if any((ROOT / "kg" / "data" / "kb").glob("*.jsonl")):
        return None
    return str(ROOT / "tests" / "data" / "minikb" / "kb")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from kg.build import build

    out = tmp_path_factory.mktemp("store") / "output"
    G, report = build([SEEDS], out, jobs=1, kb_dir=_kb_dir(), formats=("ttl", "nt"))
    return out, report


def test_load_and_query_store_match_the_file(built):
    from kg.queries import with_prefixes
    from kg.query import run_query
    from kg.store import load_store, query_store

    out, report = built
    n = load_store(out, out / "store")
    assert n == report.stats["triples"]
    assert load_store(out, out / "store") == n  # loading again adds nothing new
    q = with_prefixes("SELECT ?a ?b WHERE { ?a rwb:met ?b } ORDER BY ?a ?b")
    assert query_store(out / "store", q) == run_query(out / "graph.ttl", q)
    names, rows = query_store(out / "store", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0][0]) == n
    assert query_store(out / "store", "ASK { ?s ?p ?o }") == (["ask"], [[True]])


def test_store_refuses_updates_and_service(built):
    from kg.errors import QueryError
    from kg.store import load_store, query_store

    out, _ = built
    load_store(out, out / "store2")
    with pytest.raises(QueryError, match="read-only"):
        query_store(out / "store2", "DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="SERVICE"):
        query_store(out / "store2", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="no such store"):
        query_store(out / "nowhere", "ASK { ?s ?p ?o }")


def test_cli_load_and_query_store(built):
    from typer.testing import CliRunner

    from kg.cli import app

    out, _ = built
    runner = CliRunner()
    r = runner.invoke(app, ["load", str(out), "--store", str(out / "store3")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["query", "--store", str(out / "store3"), "SELECT (COUNT(*) AS ?n) WHERE { ?s rwb:met ?o }", "-f", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "n"
    r = runner.invoke(app, ["query", "--store", str(out / "store3"), "INSERT DATA { <a:b> <a:c> <a:d> }"])
    assert r.exit_code == 1 and "read-only" in r.output
    r = runner.invoke(app, ["query", str(out / "graph.ttl"), "ASK { ?s ?p ?o }", "-f", "json"])
    assert r.exit_code == 0 and "true" in r.output
