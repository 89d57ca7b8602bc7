"""The `kg` command line, run through Typer's CliRunner and checked through the library."""

import json

import networkx as nx
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import GOLD, SEEDS

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(out), "--quiet"])
    return out, result


def test_cli_build_writes_outputs(built):
    out, result = built
    assert result.exit_code == 0, result.output
    for name in ("graph.ttl", "graph.html", "graph.graphml", "report.json"):
        assert (out / name).exists(), name
    g = rdflib.Graph().parse(out / "graph.ttl")
    assert len(g) > 100
    G = nx.read_graphml(out / "graph.graphml")
    assert G.number_of_nodes() > 10
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["documents"]) == 5 and report["skipped"] == [] and report["exit_code"] == 0
    assert "documents" in result.output


def test_cli_build_is_byte_identical_on_rerun(built, tmp_path):
    out, _ = built
    again = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path), "--quiet"])
    assert again.exit_code == 0
    for name in ("graph.ttl", "graph.html", "graph.graphml"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_cli_build_bad_file_is_skipped_not_fatal(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("التقى الرئيس الروسي فلاديمير بوتين بالرئيس الصيني شي جين بينغ في موسكو.", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "image.txt" in result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == ["good"] and len(report["skipped"]) == 2


def test_cli_build_nothing_built_exits_2(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "missing"), "--out", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 2


def test_cli_query_table_csv_json(built):
    out, _ = built
    q = "SELECT ?name WHERE { ?s a rwb:State ; rdfs:label ?name . FILTER(lang(?name) = 'ar') } ORDER BY ?name"
    table = runner.invoke(app, ["query", str(out / "graph.ttl"), q])
    assert table.exit_code == 0 and "روسيا" in table.output
    csv_out = runner.invoke(app, ["query", str(out / "graph.ttl"), q, "--format", "csv"])
    assert csv_out.output.splitlines()[0] == "name"
    js = runner.invoke(app, ["query", str(out / "graph.ttl"), q, "--format", "json"])
    assert {"name": "روسيا"} in json.loads(js.output)


def test_cli_query_refuses_update_without_traceback(built):
    out, _ = built
    result = runner.invoke(app, ["query", str(out / "graph.ttl"), "DELETE WHERE { ?s ?p ?o }"])
    assert result.exit_code == 1 and "read-only" in result.output and "Traceback" not in result.output


def test_cli_readme_queries_return_rows(built):
    from kg.queries import example_queries

    out, _ = built
    for name, q in example_queries().items():
        result = runner.invoke(app, ["query", str(out / "graph.ttl"), q, "--format", "json"])
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.output), f"example query {name} returned no rows on the seeds"


def test_cli_eval_prints_table():
    if not GOLD.exists():
        pytest.skip("gold file not available")
    result = runner.invoke(app, ["eval", "--gold", str(GOLD), str(SEEDS)])
    assert result.exit_code == 0
    assert "entities" in result.output and "relation: met" in result.output and "date accuracy" in result.output


def test_cli_entities_lists_surface_forms(built):
    out, _ = built
    result = runner.invoke(app, ["entities", str(out)])
    assert result.exit_code == 0 and "surface" in result.output
    rows = runner.invoke(app, ["entities", str(out), "--format", "json"])
    assert rows.exit_code == 0
    putin = [e for e in json.loads(rows.output)["entities"] if e["id"] == "vladimir-putin"]
    assert putin and "بوتين" in putin[0]["surface forms"]
    csv_out = runner.invoke(app, ["entities", str(out), "--format", "csv"])
    assert csv_out.output.splitlines()[0] == "id,type,label,qid,surface forms,documents"
    assert runner.invoke(app, ["entities", str(out), "--format", "xml"]).exit_code == 2
