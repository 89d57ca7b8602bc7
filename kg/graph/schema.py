"""Every name of the graph model, defined once.

One graph model: ``nx.MultiDiGraph``.  Nodes are entities keyed by their stable id; an event is
one or more edges sharing ``event_id`` (met: one edge per participant pair; signed, visited,
invited, sent_message: agent → target).  Exporters read only this.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.entities.model import ENTITY_TYPES
from kg.errors import GraphSchemaError
from kg.relations.model import EVENT_TYPES, STATUSES

NODE_ATTRS = ("type", "label_ar", "label_en", "qid", "aliases", "documents", "mention_count", "positions", "known")
EDGE_ATTRS = ("type", "event_id", "date", "place", "status", "confidence", "participants", "targets", "evidence", "cameo")
EVIDENCE_KEYS = ("doc", "start", "end", "sentence", "extractor", "confidence")

__all__ = ["NODE_ATTRS", "EDGE_ATTRS", "EVIDENCE_KEYS", "validate_graph", "iter_events"]


def validate_graph(G: nx.MultiDiGraph) -> None:
    """Raise :class:`GraphSchemaError` naming the first node or edge that breaks the schema."""
    for node, data in G.nodes(data=True):
        if data.get("type") not in ENTITY_TYPES:
            raise GraphSchemaError(f"node {node!r}: bad type {data.get('type')!r}")
        if not data.get("label_ar"):
            raise GraphSchemaError(f"node {node!r}: no Arabic label")
    for u, v, key, data in G.edges(keys=True, data=True):
        if data.get("type") not in EVENT_TYPES:
            raise GraphSchemaError(f"edge {u}->{v} [{key}]: bad type {data.get('type')!r}")
        if data.get("status") not in STATUSES:
            raise GraphSchemaError(f"edge {u}->{v} [{key}]: bad status {data.get('status')!r}")
        if not data.get("evidence"):
            raise GraphSchemaError(f"edge {u}->{v} [{key}]: no evidence")
        for ev in data["evidence"]:
            missing = [k for k in EVIDENCE_KEYS if k not in ev]
            if missing:
                raise GraphSchemaError(f"edge {u}->{v} [{key}]: evidence lacks {missing}")


def iter_events(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One record per event (edges grouped by ``event_id``), sorted by id."""
    events: dict[str, dict[str, Any]] = {}
    for _u, _v, data in G.edges(data=True):
        ev = events.setdefault(data["event_id"], {k: data.get(k) for k in EDGE_ATTRS})
        ev.setdefault("edges", 0)
        ev["edges"] = ev.get("edges", 0) + 1
    return [events[k] for k in sorted(events)]
