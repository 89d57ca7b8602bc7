"""Corpus build: read → analyze → graph → write every output, one bad file never stops the batch."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import networkx as nx

from kg.analysis import DocumentAnalysis
from kg.errors import KGError
from kg.graph.build import build_graph
from kg.text.read import Document, InputProblem, read_documents
from kg.util import atomic_write_text

__all__ = ["BuildReport", "analyze_corpus", "build", "build_graph_from_paths", "OUTPUTS"]

OUTPUTS = ("graph.ttl", "graph.html", "graph.graphml", "report.json")


@dataclass
class BuildReport:
    documents: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all fine, 1 some files skipped, 2 nothing built."""
        if not self.documents:
            return 2
        return 1 if self.skipped else 0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "skipped": self.skipped, "entities": self.entities,
                "relations": self.relations, "outputs": self.outputs, "exit_code": self.exit_code}


def analyze_corpus(
    inputs: Sequence[str | Path],
    *,
    nlp=None,
    ner: str = "crf",
    on_document: Callable[[str], None] | None = None,
    max_file_size: int | None = None,
) -> tuple[list[DocumentAnalysis], list[InputProblem]]:
    """Analyze every readable document; unreadable or failing ones become :class:`InputProblem`."""
    from kg.pipeline import analyze, load_pipeline

    nlp = nlp or load_pipeline(ner=ner)
    analyses: list[DocumentAnalysis] = []
    problems: list[InputProblem] = []
    seen: set[str] = set()
    kwargs = {"max_bytes": max_file_size} if max_file_size else {}
    for item in read_documents(inputs, **kwargs):
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        if item.id in seen:
            problems.append(InputProblem(item.path or item.id, f"duplicate document id {item.id!r}"))
            continue
        seen.add(item.id)
        try:
            analyses.append(analyze(item, nlp))
        except KGError as err:
            problems.append(InputProblem(item.path or item.id, str(err)))
        except Exception as err:  # noqa: BLE001 — one pathological document must not stop the batch
            problems.append(InputProblem(item.path or item.id, f"processing failed: {type(err).__name__}: {err}"))
        if on_document:
            on_document(item.id)
    return analyses, problems


def build_graph_from_paths(inputs: Sequence[str | Path], *, ner: str = "crf", min_confidence: float = 0.0) -> nx.MultiDiGraph:
    """``from kg import build_graph_from_paths``: the NetworkX graph of a folder, in one call."""
    from kg.pipeline import get_kb

    analyses, _ = analyze_corpus(inputs, ner=ner)
    return build_graph(analyses, get_kb(), min_confidence=min_confidence)


def build(
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    ner: str = "crf",
    min_confidence: float = 0.0,
    on_document: Callable[[str], None] | None = None,
    max_file_size: int | None = None,
) -> tuple[nx.MultiDiGraph, BuildReport]:
    """Build the graph of ``inputs`` and write Turtle, HTML, GraphML and a JSON report to ``out_dir``."""
    from kg.export.graphml import write_graphml
    from kg.export.html import write_html
    from kg.export.rdf import write_rdf
    from kg.pipeline import get_kb

    out = Path(out_dir)
    analyses, problems = analyze_corpus(inputs, ner=ner, on_document=on_document, max_file_size=max_file_size)
    G = build_graph(analyses, get_kb(), min_confidence=min_confidence)
    report = BuildReport(
        documents=sorted(a.doc_id for a in analyses),
        skipped=[{"path": str(p.path), "reason": p.reason} for p in problems],
        entities=dict(sorted(Counter(d["type"] for _, d in G.nodes(data=True)).items())),
        relations=dict(sorted(Counter(d["type"] for _, _, d in G.edges(data=True) if d.get("status") == "asserted").items())),
    )
    if analyses:
        write_rdf(G, out / "graph.ttl")
        write_html(G, out / "graph.html")
        write_graphml(G, out / "graph.graphml")
        report.outputs = ["graph.ttl", "graph.html", "graph.graphml", "report.json"]
    atomic_write_text(out / "report.json", json.dumps(report.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return G, report
