"""GraphML (and GEXF) for Gephi and ``networkx.read_graphml``.

GraphML holds only scalar attributes, so lists and dicts (aliases, evidence, positions) are
stored as JSON strings; :func:`read_graphml` decodes them back.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.util import atomic_file, xml_legal_text

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
    return _scalar_graph(G, lambda value: value)


def _scalar_graph(G: nx.MultiDiGraph, clean) -> nx.MultiDiGraph:
    def c(value):
        return clean(value) if isinstance(value, str) else value

    H = nx.MultiDiGraph()
    H.graph.update({c(k): c(_scalar(v)) for k, v in sorted(G.graph.items())})
    for n in sorted(G.nodes):
        H.add_node(c(n), **{c(k): c(_scalar(v)) for k, v in sorted(G.nodes[n].items())})
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        H.add_edge(c(u), c(v), key=c(k), **{c(a): c(_scalar(b)) for a, b in sorted(d.items())})
    return H


def _xml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """:func:`to_scalar_graph` without the characters XML 1.0 cannot hold (``\x01`` …) in any string:
    a single one would make the file unreadable to every XML reader (``networkx.read_graphml``,
    Gephi).  Dropped from the strings before writing, the file is streamed, not built in memory."""
    return _scalar_graph(G, xml_legal_text)


def _write_xml(writer, G: nx.MultiDiGraph, path: str | Path) -> Path:
    with atomic_file(path) as fh:
        writer(_xml_graph(G), fh, encoding="utf-8")
    return Path(path)


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """GraphML, atomically and streamed; characters XML 1.0 cannot hold are dropped (:func:`_xml_graph`)."""
    return _write_xml(nx.write_graphml, G, path)


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """GEXF, atomically; XML too, so the same characters are dropped as in :func:`write_graphml`."""
    return _write_xml(nx.write_gexf, G, path)


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
