"""Tabular views of the graph: pandas DataFrames and CSV files of nodes and edges."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx

from kg.util import atomic_write_text

__all__ = ["node_rows", "edge_rows", "to_dataframes", "write_csv"]

NODE_COLUMNS = ("id", "type", "label_ar", "label_en", "qid", "aliases", "documents", "mention_count", "degree")
EDGE_COLUMNS = ("source", "target", "key", "type", "event_id", "date", "place", "status", "confidence", "cameo", "documents", "sentence")


def node_rows(G: nx.MultiDiGraph) -> list[dict]:
    deg = dict(G.degree())
    return [
        {"id": n, "type": d["type"], "label_ar": d["label_ar"], "label_en": d.get("label_en"), "qid": d.get("qid"),
         "aliases": " | ".join(d.get("aliases", [])), "documents": " ".join(d.get("documents", [])),
         "mention_count": d.get("mention_count", 0), "degree": deg.get(n, 0)}
        for n, d in sorted(G.nodes(data=True))
    ]


def edge_rows(G: nx.MultiDiGraph) -> list[dict]:
    rows = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        ev = d.get("evidence", [])
        rows.append({
            "source": u, "target": v, "key": k, "type": d["type"], "event_id": d["event_id"], "date": d.get("date"),
            "place": d.get("place"), "status": d["status"], "confidence": d["confidence"], "cameo": d.get("cameo"),
            "documents": " ".join(sorted({e["doc"] for e in ev})), "sentence": ev[0]["sentence"] if ev else "",
        })
    return rows


def to_dataframes(G: nx.MultiDiGraph):
    """``(nodes, edges)`` as pandas DataFrames (pandas is imported only here)."""
    import pandas as pd

    return (pd.DataFrame(node_rows(G), columns=list(NODE_COLUMNS)), pd.DataFrame(edge_rows(G), columns=list(EDGE_COLUMNS)))


def write_csv(G: nx.MultiDiGraph, folder: str | Path) -> list[Path]:
    """``nodes.csv`` and ``edges.csv`` (UTF-8 with BOM so that Excel shows Arabic right)."""
    out = []
    for name, rows, cols in (("nodes.csv", node_rows(G), NODE_COLUMNS), ("edges.csv", edge_rows(G), EDGE_COLUMNS)):
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(cols), lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v) for k, v in r.items()})
        out.append(atomic_write_text(Path(folder) / name, "\ufeff" + buf.getvalue()))
    return out
