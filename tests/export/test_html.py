"""The HTML graph without a browser: offline, deterministic, escaped, complete."""

from __future__ import annotations

import html.parser
import json
import re

import networkx as nx
import pytest

from kg.export.html import PHYSICS_MAX_NODES, graph_payload, json_for_script, layout_positions, to_html, write_html
from tests.export.conftest import make_small_graph

XSS_NAME = "<script>alert(1)</script>"
XSS_SENTENCE = 'قال "onmouseover=alert(1) إن </script><script>alert(2)</script> الاجتماع انتهى'


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)


def _parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def _data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def _evil_graph() -> nx.MultiDiGraph:
    G = make_small_graph()
    G.add_node(XSS_NAME, type="PERSON", label_ar=XSS_NAME, label_en="<img src=x onerror=alert(3)>", qid="javascript:alert(4)",
               aliases=["\u202eنيتوب"], documents=["</script>.txt"], mention_count=1, positions=[], known=False)
    G.graph["documents"]["</script>.txt"] = {"title": "<b onmouseover=alert(5)>عنوان</b>", "date": "2024-01-01",
                                             "date_source": "metadata", "path": "/in/</script><script>alert(6)</script>.txt"}
    G.add_edge(XSS_NAME, "vladimir-putin", key="met-evil", type="met", event_id="met-evil", date="2024-01-01",
               place=None, status="asserted", confidence=0.9, participants=[XSS_NAME, "vladimir-putin"], targets=[],
               cameo="040", evidence=[{"doc": "</script>.txt", "start": 0, "end": 10, "sentence": XSS_SENTENCE,
                                       "extractor": "rules:met:verb", "confidence": 0.9}])
    return G


def test_offline_no_external_src_or_href(small_graph):
    page = to_html(small_graph)
    for tag, attrs in _parse(page).tags:
        for name in ("src", "href", "srcset", "data", "action", "poster"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {name}={value!r}> loads from the network"
        if tag == "link":
            pytest.fail(f"<link> element in an offline page: {attrs}")
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*(https?:)?//""", page, re.I)
    assert "@import" not in page
    assert "sourceMappingURL" not in page
    assert "cdn" not in " ".join(v or "" for _, a in _parse(page).tags for v in a.values()).lower()


def test_vis_network_inlined(small_graph):
    page = to_html(small_graph)
    scripts = _parse(page).scripts
    assert any("vis-network" in s and "Network" in s for s in scripts)
    assert len(page) > 400_000  # the library itself is inside


def test_deterministic_bytes(small_graph):
    a = to_html(small_graph)
    b = to_html(make_small_graph())
    assert a == b
    # insertion order does not matter either
    G = nx.MultiDiGraph()
    G.graph.update(small_graph.graph)
    for n in reversed(list(small_graph.nodes)):
        G.add_node(n, **small_graph.nodes[n])
    for u, v, k, d in reversed(list(small_graph.edges(keys=True, data=True))):
        G.add_edge(u, v, key=k, **d)
    assert to_html(G) == a


def test_write_html(tmp_path, small_graph):
    out = write_html(small_graph, tmp_path / "sub" / "graph.html")
    assert out.read_bytes() == to_html(small_graph).encode("utf-8")
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not [p for p in out.parent.iterdir() if p.name != "graph.html"]  # no temporary left behind


def test_payloads_escaped():
    page = to_html(_evil_graph())
    assert XSS_NAME not in page
    assert "</script><script>alert" not in page
    assert '"onmouseover=alert(1)' not in page.replace('\\"onmouseover', "")  # only as a JSON-escaped string
    assert "<img src=x" not in page
    assert "<b onmouseover" not in page
    p = _parse(page)
    assert [t for t, _ in p.tags].count("script") == 3  # data, vis-network, page script: nothing from the data
    assert not [t for t, _ in p.tags if t in ("img", "b", "iframe", "svg")]
    assert not [(t, a) for t, attrs in p.tags for a in attrs if a.startswith("on")]
    data = _data(page)
    names = {n["ar"] for n in data["nodes"]}
    assert XSS_NAME in names  # kept, as data
    assert XSS_SENTENCE in {e["s"] for evs in data["evidence"] for e in evs}
    assert data["documents"]["</script>.txt"]["title"] == "<b onmouseover=alert(5)>عنوان</b>"


def test_json_for_script_escapes():
    s = json_for_script({"k": "</script><!--&\u2028\u2029>"})
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    assert json.loads(s) == {"k": "</script><!--&\u2028\u2029>"}


def test_page_script_uses_text_only():
    """The page's own script never turns data into markup."""
    from kg.export.html import TEMPLATES

    js = (TEMPLATES / "graph.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute(\"on"):
        assert sink not in js, sink


def test_legend_edge_types_and_statuses(small_graph):
    page = to_html(small_graph)
    data = _data(page)
    meta = data["meta"]
    assert [t["key"] for t in meta["entity_types"]][:6] == ["PERSON", "STATE", "PARTY", "ORG", "PLACE", "AGREEMENT"]
    keys = {t["key"]: t for t in meta["edge_types"]}
    for t, ar in (("met", "التقى"), ("signed", "وقّع"), ("visited", "زار")):
        assert keys[t]["en"] == t and keys[t]["ar"] == ar
    assert {s["key"]: bool(s["dashes"]) for s in meta["statuses"]} == {
        "asserted": False, "planned": True, "negated": True, "hypothetical": True}
    assert 'id="legend-entities"' in page and 'id="legend-edges"' in page
    assert 'dir="rtl"' in page and "Noto Naskh Arabic" in page
    edge_types = {e["t"] for e in data["edges"]}
    assert {"met", "visited", "signed"} <= edge_types


def test_payload_content(small_graph):
    data = graph_payload(small_graph)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["abdel-fattah-el-sisi"]["ar"] == "عبد الفتاح السيسي"
    assert "السيسي" in nodes["abdel-fattah-el-sisi"]["al"]
    # size by degree
    assert nodes["abdel-fattah-el-sisi"]["size"] > nodes["arab-league"]["size"] > nodes["cairo"]["size"]
    visit = next(e for e in data["edges"] if e["ev_id"] == "visited-5f6a7b8c9d")
    assert data["nodes"][visit["p"]]["id"] == "cairo"
    assert data["nodes"][visit["f"]]["id"] == "recep-tayyip-erdogan" and data["nodes"][visit["to"]]["id"] == "egypt"
    planned = next(e for e in data["edges"] if e["ev_id"] == "visited-abcdef0123")
    assert planned["s"] == "planned" and planned["d"] == "2025"
    signed = [e for e in data["edges"] if e["ev_id"] == "signed-1234abcd56"]
    assert len(signed) == 2 and signed[0]["ev"] == signed[1]["ev"]  # evidence stored once per event
    ev = data["evidence"][visit["ev"]][0]
    assert ev["doc"] == "ahram-2024-02-14" and "أردوغان" in ev["s"]
    assert data["meta"]["physics"] is True


def test_odd_values_do_not_break_export():
    G = nx.MultiDiGraph()
    G.add_node(1, type="PERSON", label_ar="أ")
    G.add_node("x", type="WEIRD", label_ar=None, aliases=None, positions="nope")
    G.add_edge(1, "x", type="zap", status="asserted", confidence=float("nan"), evidence=[{"sentence": None}], place="nowhere")
    G.add_edge(1, 1, type="met", evidence=[])
    page = to_html(G)
    data = _data(page)
    assert {n["id"] for n in data["nodes"]} == {"1", "x"}
    assert {t["key"] for t in data["meta"]["edge_types"]} >= {"zap"}
    assert to_html(nx.MultiDiGraph()).rstrip().endswith("</html>")


def test_big_graph_precomputed_layout_physics_off():
    G = nx.MultiDiGraph()
    n = PHYSICS_MAX_NODES + 100
    for i in range(n):
        G.add_node(f"n{i}", type="PERSON", label_ar=f"شخص {i}")
    for i in range(n):
        G.add_edge(f"n{i}", f"n{(i * 7 + 1) % n}", type="met", status="asserted", evidence=[])
    data = graph_payload(G)
    assert data["meta"]["physics"] is False
    pts = {(p["x"], p["y"]) for p in data["nodes"]}
    assert len(pts) > 0.95 * n  # not piled up
    xs = [p["x"] for p in data["nodes"]]
    assert max(xs) - min(xs) > 500
    assert layout_positions(G) == layout_positions(G)
