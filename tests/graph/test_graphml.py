from kg.export.graphml import read_graphml, write_graphml
from tests.graph.test_build import _analysis, _kb, _met
from kg.graph.build import build_graph


def test_graphml_round_trip_keeps_lists_and_evidence(tmp_path):
    G = build_graph([_analysis("a", [_met("a", "2024-06-19")])], _kb())
    write_graphml(G, tmp_path / "g.graphml")
    H = read_graphml(tmp_path / "g.graphml")
    assert set(H.nodes) == set(G.nodes)
    (_, _, d), = H.edges(data=True)
    assert d["evidence"][0]["sentence"] == "التقى كيم بوتين"
    assert d["participants"] == ["kim-jong-un", "vladimir-putin"]


def test_graphml_bytes_are_deterministic(tmp_path):
    G = build_graph([_analysis("a", [_met("a", "2024-06-19")])], _kb())
    write_graphml(G, tmp_path / "1.graphml")
    write_graphml(G, tmp_path / "2.graphml")
    assert (tmp_path / "1.graphml").read_bytes() == (tmp_path / "2.graphml").read_bytes()
