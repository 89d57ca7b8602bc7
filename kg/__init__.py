"""Rawabit (روابط): Arabic news → a knowledge graph of people, states, parties and organizations.

>>> from kg import build_graph_from_paths   # doctest: +SKIP
>>> G = build_graph_from_paths(["seeds/"])  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "load_pipeline", "analyze", "build_graph", "build_graph_from_paths", "build",
    "to_rdf", "write_rdf", "to_html", "write_html", "write_graphml", "read_graphml",
    "evaluate", "load_gold", "run_query", "to_dataframes",
]


def __getattr__(name: str):
    """Lazy public API: importing ``kg`` stays cheap; spaCy loads only when a stage is used."""
    import importlib

    where = {
        "load_pipeline": "kg.pipeline", "analyze": "kg.pipeline", "build_graph": "kg.graph.build",
        "build_graph_from_paths": "kg.build", "build": "kg.build", "to_rdf": "kg.export.rdf",
        "write_rdf": "kg.export.rdf", "to_html": "kg.export.html", "write_html": "kg.export.html",
        "write_graphml": "kg.export.graphml", "read_graphml": "kg.export.graphml",
        "evaluate": "kg.eval.score", "load_gold": "kg.eval.gold", "run_query": "kg.query",
        "to_dataframes": "kg.export.tables",
    }
    if name in where:
        return getattr(importlib.import_module(where[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
