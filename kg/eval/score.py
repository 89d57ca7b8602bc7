"""Scoring against gold, by the project's rules (also used on unseen articles).

Entities are scored per document by canonical identity and type; relations as pair instances
(met: unordered participant pairs; signed: signatory–agreement; visited: visitor–destination),
each prediction matching at most one gold instance, preferring one with the same date.
Implicit gold edges count only in the lenient view.  Only asserted events are scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from kg.analysis import DocumentAnalysis
from kg.entities.kb import KnowledgeBase
from kg.eval.gold import PAIR_TYPES, Gold, GoldDocument
from kg.text.normalize import normalize

REQUIRED = ("met", "signed", "visited")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_items: list = field(default_factory=list)
    fn_items: list = field(default_factory=list)
    date_misses: list = field(default_factory=list)  # matched pairs whose date differs: (a, b, gold, predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


class _Matcher:
    """Maps predicted entity ids to gold ids: by Wikidata id, else by a gold name of the same type."""

    def __init__(self, gold: Gold, kb: KnowledgeBase) -> None:
        self.gold = gold
        self.kb = kb
        self.by_qid = {e.qid: e.id for e in gold.entities.values() if e.qid}
        self.by_name: dict[tuple[str, str], list[str]] = {}
        for e in gold.entities.values():
            for n in e.names:
                self.by_name.setdefault((normalize(n), e.type), []).append(e.id)

    def candidates(self, pred_id: str, pred_type: str, names: Iterable[str]) -> list[str]:
        ent = self.kb.entities.get(pred_id)
        etype = ent.type if ent else pred_type
        if ent and ent.qid and ent.qid in self.by_qid and self.gold.entities[self.by_qid[ent.qid]].type == etype:
            return [self.by_qid[ent.qid]]
        all_names = set(names)
        if ent:
            all_names |= {ent.label_ar, *ent.aliases_ar}
        out: list[str] = []
        for n in sorted(all_names):
            for gid in self.by_name.get((normalize(n), etype), []):
                if gid not in out:
                    out.append(gid)
        return out


def evaluate(gold: Gold, analyses: Iterable[DocumentAnalysis], kb: KnowledgeBase) -> dict:
    """Scores for every gold document found among ``analyses`` (matched by file stem)."""
    by_id = {a.doc_id: a for a in analyses}
    matcher = _Matcher(gold, kb)
    entities = PRF()
    strict = {t: PRF() for t in PAIR_TYPES}
    lenient = {t: PRF() for t in PAIR_TYPES}
    dates_ok = dates_n = 0
    per_doc = {}
    missing = []
    for gdoc in gold.documents:
        a = by_id.get(gdoc.doc_id)
        if a is None:
            missing.append(gdoc.doc)
            continue
        ents, mapping = _score_entities(gdoc, a, matcher)
        entities.add(ents)
        per_doc[gdoc.doc_id] = {"entities": ents.as_dict(), "fp": ents.fp_items, "fn": ents.fn_items}
        for view, table in (("strict", strict), ("lenient", lenient)):
            res, ok, n = _score_relations(gdoc, a, mapping, lenient=view == "lenient")
            for t, prf in res.items():
                table[t].add(prf)
                table[t].fp_items += [(gdoc.doc_id, *x) for x in prf.fp_items]
                table[t].fn_items += [(gdoc.doc_id, *x) for x in prf.fn_items]
                table[t].date_misses += [(gdoc.doc_id, *x) for x in prf.date_misses]
            if view == "strict":
                dates_ok += ok
                dates_n += n
    micro = PRF()
    for t in REQUIRED:
        micro.add(strict[t])
    micro_lenient = PRF()
    for t in REQUIRED:
        micro_lenient.add(lenient[t])
    return {
        "documents": len(per_doc), "missing": missing,
        "entities": entities.as_dict(),
        "relations": {t: strict[t].as_dict() for t in PAIR_TYPES},
        "relations_lenient": {t: lenient[t].as_dict() for t in PAIR_TYPES},
        "relations_micro": micro.as_dict(), "relations_micro_lenient": micro_lenient.as_dict(),
        "date_accuracy": round(dates_ok / dates_n, 4) if dates_n else None, "dated_matches": dates_n,
        "errors": {
            "entities": {d: {"fp": v["fp"], "fn": v["fn"]} for d, v in per_doc.items()},
            "relations": {t: {"fp": strict[t].fp_items, "fn": strict[t].fn_items} for t in PAIR_TYPES},
            "dates": {t: strict[t].date_misses for t in PAIR_TYPES if strict[t].date_misses},
        },
    }


def _doc_entities(a: DocumentAnalysis) -> dict[str, tuple[str, set[str]]]:
    out: dict[str, tuple[str, set[str]]] = {}
    for m in a.mentions:
        if m.method in ("nisba", "plural"):
            continue
        for eid in m.entity_ids:
            t, names = out.setdefault(eid, (m.type, set()))
            if m.method != "title":
                names.add(m.text)
    return out


def _score_entities(gdoc: GoldDocument, a: DocumentAnalysis, matcher: _Matcher) -> tuple[PRF, dict[str, str]]:
    prf = PRF()
    mapping: dict[str, str] = {}
    gold_ids = set(gdoc.entities)
    optional = set(gdoc.optional)
    matched: set[str] = set()
    for eid, (etype, names) in sorted(_doc_entities(a).items()):
        cands = matcher.candidates(eid, etype, names)
        hit = next((g for g in cands if g in gold_ids and g not in matched), None)
        if hit:
            matched.add(hit)
            mapping[eid] = hit
            prf.tp += 1
            continue
        opt = next((g for g in cands if g in optional or g in matched), None)
        if opt:
            mapping[eid] = opt
            continue
        if cands:
            mapping[eid] = cands[0]
        prf.fp += 1
        prf.fp_items.append(eid)
    prf.fn_items = sorted(gold_ids - matched)
    prf.fn = len(prf.fn_items)
    # entities that only appear as event arguments (not as mentions) still need a mapping
    return prf, mapping


def _score_relations(gdoc: GoldDocument, a: DocumentAnalysis, mapping: dict[str, str], *, lenient: bool):
    res = {t: PRF() for t in PAIR_TYPES}
    used: set[int] = set()
    dates_ok = dates_n = 0
    gold = list(enumerate(gdoc.relations))
    for ev in a.events:
        if ev.status != "asserted" or ev.type not in res:
            continue
        for u, v in ev.pairs():
            gu, gv = mapping.get(u, u), mapping.get(v, v)
            key = tuple(sorted((gu, gv))) if ev.type == "met" else (gu, gv)
            options = [(i, g) for i, g in gold if g.type == ev.type and i not in used and g.pair == key]
            if not options:
                res[ev.type].fp += 1
                res[ev.type].fp_items.append((u, v, ev.date))
                continue
            options.sort(key=lambda ig: (ig[1].date != ev.date, ig[1].implicit, ig[0]))
            i, g = options[0]
            used.add(i)
            if g.implicit and not lenient:
                continue
            res[ev.type].tp += 1
            if g.date:
                dates_n += 1
                dates_ok += int(g.date == ev.date)
                if g.date != ev.date:
                    res[g.type].date_misses.append((*g.pair, g.date, ev.date))
    for i, g in gold:
        if i not in used and (lenient or not g.implicit):
            res[g.type].fn += 1
            res[g.type].fn_items.append((*g.pair, g.date))
    return res, dates_ok, dates_n
