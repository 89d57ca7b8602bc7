"""Build the NetworkX graph from per-document analyses: merge entities and events across documents."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any, Callable, Iterable

import networkx as nx

from kg.entities.kb import KnowledgeBase
from kg.entities.translit import name_key, similar_names
from kg.analysis import PIPELINE_VERSION, DocumentAnalysis
from kg.relations.extract import merge_document_events
from kg.relations.model import Event

__all__ = ["build_graph", "merge_unknown_entities"]


def build_graph(analyses: Iterable[DocumentAnalysis] | Callable[[], Iterable[DocumentAnalysis]], kb: KnowledgeBase, *,
                min_confidence: float = 0.0) -> nx.MultiDiGraph:
    """The knowledge graph of a corpus.

    Entities are merged by canonical id (KB entities) or by transliteration variant (entities the
    KB does not know); events are merged when type, participants and dates agree, so that one real
    event is one ``event_id`` whatever the number of documents that report it.

    ``analyses`` is a collection, or a callable that starts a pass over them in document-id order
    (:class:`kg.analysis.AnalysisFile`): the merge then makes two passes and holds only what the graph
    keeps, never every analysis at once.
    """
    if callable(analyses):
        passes = analyses
    else:
        ordered = sorted(analyses, key=lambda a: a.doc_id)
        passes = lambda: iter(ordered)  # noqa: E731
    G = nx.MultiDiGraph(name="rawabit", pipeline_version=PIPELINE_VERSION)
    documents: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}
    for a in passes():
        documents[a.doc_id] = {"title": a.title, "date": a.date, "date_source": a.date_source, "path": a.path,
                               "checksum": a.checksum}
        _collect_ner_names(a, names)
    G.graph["documents"] = documents
    rename, reasons = _merge_names(names)
    G.graph["merges"] = reasons

    surface: dict[str, set[str]] = defaultdict(set)
    docs: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    types: dict[str, str] = {}
    events: list[Event] = []
    positions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in passes():
        for m in a.mentions:
            if m.method in ("nisba", "plural", "title"):
                continue
            for eid in m.entity_ids:
                eid = rename.get(eid, eid)
                surface[eid].add(m.text)
                docs[eid].add(a.doc_id)
                counts[eid] += 1
                types.setdefault(eid, m.type)
        for ev in a.events:
            ev = Event.from_dict(ev.to_dict())  # the caller's analyses stay as they were
            ev.agents = [rename.get(e, e) for e in ev.agents]
            ev.targets = [rename.get(e, e) for e in ev.targets]
            ev.place = rename.get(ev.place, ev.place) if ev.place else None
            if ev.confidence >= min_confidence:
                events.append(ev)
        for p in a.positions:
            person = rename.get(p["person"], p["person"])
            rec = {"role": p.get("role"), "of": rename.get(p.get("of"), p.get("of")), "title": p.get("title"), "doc": a.doc_id}
            if not any(q["role"] == rec["role"] and q["of"] == rec["of"] for q in positions[person]):
                positions[person].append(rec)
    events = merge_document_events(sorted(events, key=lambda e: (e.evidence[0].doc, e.evidence[0].start, e.type)), within_document=False)

    def add_node(eid: str) -> None:
        if eid in G:
            return
        ent = kb.entities.get(eid)
        forms = sorted(surface.get(eid, set()))
        if ent is not None:
            label_ar, label_en, qid, etype = ent.label_ar, ent.label_en, ent.qid, ent.type
        else:
            label_ar = _best_label(forms) or eid
            label_en, qid, etype = None, None, types.get(eid, "ORG")
        G.add_node(
            eid, type=etype, label_ar=label_ar, label_en=label_en, qid=qid,
            aliases=[f for f in forms if f != label_ar], documents=sorted(docs.get(eid, set())),
            mention_count=counts.get(eid, 0), positions=positions.get(eid, []), known=ent is not None,
        )

    for eid in sorted(surface):
        add_node(eid)
    for ev in events:
        ev.id = _event_id(ev)
        for eid in [*ev.agents, *ev.targets, *([ev.place] if ev.place else [])]:
            if eid not in G:
                types.setdefault(eid, "PERSON")
                add_node(eid)
        attrs = {
            "type": ev.type, "event_id": ev.id, "date": ev.date, "place": ev.place, "status": ev.status,
            "confidence": round(ev.confidence, 3), "participants": sorted(ev.agents), "targets": list(ev.targets),
            "evidence": [e.to_dict() for e in ev.evidence], "cameo": ev.cameo,
        }
        for n, (u, v) in enumerate(ev.pairs()):
            G.add_edge(u, v, key=ev.id if n == 0 else f"{ev.id}#{n}", **attrs)
    return G


def merge_unknown_entities(analyses: Iterable[DocumentAnalysis]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Minted ids whose names are transliteration variants become one entity (first id wins).

    Returns ``(rename, reasons)``; see :func:`_merge_names`."""
    names: dict[str, str] = {}
    for a in analyses:
        _collect_ner_names(a, names)
    return _merge_names(names)


def _collect_ner_names(a: DocumentAnalysis, names: dict[str, str]) -> None:
    """The first NER surface form of every id, in document order."""
    for m in a.mentions:
        if m.method != "ner":
            continue
        for eid in m.entity_ids:
            if eid not in names:
                names[eid] = m.text


def _merge_names(names: dict[str, str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Each id is compared only with the earlier canonical ids that can possibly match (same id
    prefix, same number of name tokens, every token's skeleton within one edit or an initial
    Y/G/W swap: a deletion-neighbourhood index per token position), in their original order, so
    the result is the one of comparing with every earlier canonical id, without the quadratic cost."""
    rename: dict[str, str] = {}
    reasons: list[dict[str, str]] = []
    # (prefix, token count, token position, probe) → positions in ``canon``
    index: dict[tuple[str, int, int, str], list[int]] = defaultdict(list)
    canon: list[str] = []
    for eid in sorted(names):
        prefix = eid.split("-", 1)[0]
        key = name_key(names[eid])
        n = len(key)
        probes = [_probes(tok) for tok in key]
        candidates: set[int] | None = None
        for i, ps in enumerate(probes):  # a match must be close on every token: intersect
            found: set[int] = set()
            for probe in ps:
                found.update(index.get((prefix, n, i, probe), ()))
            candidates = found if candidates is None else candidates & found
            if not candidates:
                break
        for pos in sorted(candidates or ()):
            c = canon[pos]
            if similar_names(names[c], names[eid]):
                rename[eid] = c
                reasons.append({"from": eid, "into": c, "why": f"transliteration variant: {names[eid]} ~ {names[c]}"})
                break
        else:
            for i, ps in enumerate(probes):
                for probe in ps:
                    index[(prefix, n, i, probe)].append(len(canon))
            canon.append(eid)
    return rename, reasons


def _probes(token: str) -> tuple[str, ...]:
    """Strings shared by any two skeleton tokens within one edit (the token and its one-letter
    deletions), plus a wildcard form for the initial Y/G/W alternation."""
    out = {token, *(token[:i] + token[i + 1:] for i in range(len(token)))}
    if token and token[0] in "YGW":
        out.add("*" + token[1:])
    return tuple(out)


def _best_label(forms: list[str]) -> str | None:
    return max(forms, key=lambda f: (len(f.split()), len(f), f)) if forms else None


def _event_id(ev: Event) -> str:
    first = ev.evidence[0] if ev.evidence else None
    basis = "|".join([ev.type, ",".join(sorted(ev.agents)), ",".join(ev.targets), ev.date or "", ev.status,
                      first.doc if first else "", str(first.start if first else "")])
    return f"{ev.type}-{hashlib.sha1(basis.encode('utf-8')).hexdigest()[:10]}"
