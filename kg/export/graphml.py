"""GraphML (and GEXF) for Gephi and ``networkx.read_graphml``.

GraphML holds only scalar attributes, so lists and dicts (aliases, evidence, positions) are
stored as JSON strings; :func:`read_graphml` decodes them back.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx

from kg.util import atomic_write_bytes, xml_legal

__all__ = ["to_scalar_graph", "write_graphml", "read_graphml", "write_gexf"]

_JSON_PREFIX = "json:"


def _scalar(value):
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return _JSON_PREFIX + json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def to_scalar_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` with every attribute made scalar (deterministic node and edge order)."""
    H = nx.MultiDiGraph()
    H.graph.update({k: _scalar(v) for k, v in sorted(G.graph.items())})
    for n in sorted(G.nodes):
        H.add_node(n, **{k: _scalar(v) for k, v in sorted(G.nodes[n].items())})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(u, v, key=k, **{a: _scalar(b) for a, b in sorted(d.items())})
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """GraphML, atomically; characters XML 1.0 cannot hold (``\x01`` …) are dropped, or no XML
    reader (``networkx.read_graphml``, Gephi) could open the file."""
    buf = io.BytesIO()
    nx.write_graphml(to_scalar_graph(G), buf, encoding="utf-8")
    return atomic_write_bytes(Path(path), xml_legal(buf.getvalue()))


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """GEXF, atomically; XML too, so the same characters are dropped as in :func:`write_graphml`."""
    buf = io.BytesIO()
    nx.write_gexf(to_scalar_graph(G), buf, encoding="utf-8")
    return atomic_write_bytes(Path(path), xml_legal(buf.getvalue()))


def read_graphml(path: str | Path) -> nx.MultiDiGraph:
    """Read a Rawabit GraphML file back, decoding the JSON-valued attributes."""
    H = nx.read_graphml(path, force_multigraph=True)

    def decode(d: dict) -> dict:
        return {k: json.loads(v[len(_JSON_PREFIX):]) if isinstance(v, str) and v.startswith(_JSON_PREFIX) else v for k, v in d.items()}

    G = nx.MultiDiGraph()
    G.graph.update(decode(H.graph))
    for n, d in H.nodes(data=True):
        G.add_node(n, **decode(d))
    for u, v, k, d in H.edges(keys=True, data=True):
        G.add_edge(u, v, key=k, **decode(d))
    return G
