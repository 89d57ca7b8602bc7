"""The relation test table (``cases.yaml``) run through the whole pipeline.

Each case is one fresh Arabic sentence with the events a careful reader expects.  Expected names are
Arabic surface forms; they are mapped to entity ids through the KB (``get_kb().lookup``), falling back
to the ids of the analysis' own mentions whose text normalizes to the name (agreements, names the KB
does not know).  A name that maps to several ids (homonyms, a capital that may stand for its state)
accepts any of them.

Comparison is at the level of edges, the unit the graph stores (``Event.pairs``): met / phone_call give
one unordered pair per two participants, the other types one (agent, target) pair per agent and target.
A case passes when the predicted edge set — (type, pair, status) — equals the expected one; this is the
set equality of (type, agents, targets, status) without penalising how the edges are grouped into events
(«زار بغداد وطهران» as one event with two targets or two events).  Visit destinations are compared by
state (``kb.state_of``): «وصل إلى القاهرة» may be linked to Cairo, to Egypt or to both.  Dates are scored
separately (reported, not asserted).

Hard rule: a sentence whose expected events are all planned / negated / hypothetical must produce no
asserted event at all.

Run: ``python -m pytest tests/relations/test_cases.py -q -s`` (prints per-family and per-status rates and
every failure with its cause).  ``RAWABIT_KB_DIR=/path/to/kb`` runs it on another KB (e.g. a fresh
``pipelines/build_kb.py --out /tmp/kgdata`` build) without touching the packaged one.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

CASES_FILE = Path(__file__).with_name("cases.yaml")

# Overall pass rate the pipeline must keep (set to the rate reached when the table was written,
# rounded down; raise it as the relation stage improves).
PASS_RATE_FLOOR = 0.87  # 169/186 = 0.909 (invitations; «حيث» and «، والتقى» keep the sentence's visitor as subject); was 93/154 at f7afdd0

UNORDERED = ("met", "phone_call")


def load_cases() -> list[dict]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        cases = yaml.safe_load(fh)
    for c in cases:
        if isinstance(c.get("anchor"), _dt.date):
            c["anchor"] = c["anchor"].isoformat()
        for e in c["events"]:
            if isinstance(e.get("date"), _dt.date):
                e["date"] = e["date"].isoformat()
    return cases


def family(case: dict) -> str:
    return case["id"].split("-")[0]


# ------------------------------------------------------------------ data checks (no pipeline needed)
def test_table_is_well_formed():
    cases = load_cases()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(cases) >= 120
    types = {"met", "visited", "signed", "attended", "invited", "sent_message", "phone_call"}
    statuses = {"asserted", "planned", "negated", "hypothetical"}
    for c in cases:
        assert isinstance(c["text"], str) and c["text"].strip(), c["id"]
        for e in c["events"]:
            assert e["type"] in types, c["id"]
            assert e["status"] in statuses, c["id"]
            assert e["agents"], c["id"]
            if e["type"] in UNORDERED:
                assert len(e["agents"]) >= 2 and not e.get("targets"), c["id"]
            else:
                assert e.get("targets"), c["id"]
    modal = [c for c in cases if c["events"] and all(e["status"] != "asserted" for e in c["events"])]
    assert len(modal) >= 40
    assert sum(1 for c in cases if not c["events"]) >= 15


# ------------------------------------------------------------------ pipeline run
@pytest.fixture(scope="module")
def pipeline():
    pipeline_mod = pytest.importorskip("kg.pipeline")
    try:
        kb_dir = os.environ.get("RAWABIT_KB_DIR") or None
        nlp = pipeline_mod.load_pipeline(kb_dir=kb_dir)
        kb = pipeline_mod.get_kb(kb_dir)
    except Exception as err:  # KB or models not built yet
        pytest.skip(f"pipeline not available: {err}")
    return nlp, kb


def _resolve(name: str, analysis, kb) -> set[str]:
    """Candidate entity ids for an expected Arabic name."""
    from kg.text.normalize import normalize

    ids = {a.entity_id for a in kb.lookup(name)}
    if not ids:
        norm = normalize(name)
        for m in analysis.mentions:
            if normalize(m.text) == norm:
                ids.update(m.entity_ids)
        if not ids:  # agreements and long names: a mention that is the name up to a word or two
            for m in analysis.mentions:
                mn = normalize(m.text)
                if len(mn) >= 6 and (mn in norm or norm in mn):
                    ids.update(m.entity_ids)
    # a capital that stands for its state (واشنطن، طهران) may be linked either way
    for i in list(ids):
        state = kb.state_of(i)
        ent = kb.entities.get(i)
        if state and ent is not None and getattr(ent, "capital_of", None):
            ids.add(state)
    return ids


def _target_key(etype: str, entity_id: str, kb) -> str:
    if etype == "visited":
        return kb.state_of(entity_id) or entity_id
    return entity_id


def _predicted_edges(analysis, kb) -> set[tuple]:
    edges = set()
    for ev in analysis.events:
        if ev.type in UNORDERED:
            split = getattr(ev, "split_from", None)
            agents = list(dict.fromkeys(ev.agents))
            if split:
                pairs = [(split, o) for o in agents if o != split]
            else:
                pairs = [(a, b) for k, a in enumerate(agents) for b in agents[k + 1:]]
            for a, b in pairs:
                edges.add((ev.type, frozenset((a, b)), ev.status, ev.date))
        else:
            for a in dict.fromkeys(ev.agents):
                for t in dict.fromkeys(ev.targets):
                    if a != t:
                        edges.add((ev.type, (a, _target_key(ev.type, t, kb)), ev.status, ev.date))
    return edges


def _expected_edges(case: dict, analysis, kb) -> tuple[list[tuple], list[str]]:
    """[(type, kind, cands_a, cands_b, status, date)], unresolved names."""
    unresolved, out = [], []
    cache: dict[str, set[str]] = {}

    def cands(name):
        if name not in cache:
            cache[name] = _resolve(name, analysis, kb)
            if not cache[name]:
                unresolved.append(name)
        return cache[name]

    for e in case["events"]:
        if e["type"] in UNORDERED:
            names = list(dict.fromkeys(e["agents"]))
            for k, a in enumerate(names):
                for b in names[k + 1:]:
                    out.append((e["type"], "pair", cands(a), cands(b), e["status"], e.get("date")))
        else:
            for a in e["agents"]:
                for t in e["targets"]:
                    tc = {_target_key(e["type"], i, kb) for i in cands(t)}
                    out.append((e["type"], "arrow", cands(a), tc, e["status"], e.get("date")))
    return out, unresolved


def _match(exp, pred) -> bool:
    etype, kind, ca, cb, status, _ = exp
    ptype, ppair, pstatus, _ = pred
    if etype != ptype or status != pstatus:
        return False
    if kind == "pair":
        x, y = tuple(ppair) if len(ppair) == 2 else (next(iter(ppair)),) * 2
        return (x in ca and y in cb) or (y in ca and x in cb)
    return ppair[0] in ca and ppair[1] in cb


def _label(edge) -> str:
    etype, pair, status, date = edge
    inner = " ~ ".join(sorted(pair)) if isinstance(pair, frozenset) else f"{pair[0]} -> {pair[1]}"
    return f"{etype}({inner}) [{status}]" + (f" @{date}" if date else "")


def _cause(case, exp, preds, matched_e, matched_p, unresolved) -> str:
    if unresolved:
        return "name not linked (KB/mentions)"
    missing = [e for k, e in enumerate(exp) if k not in matched_e]
    extra = [p for k, p in enumerate(preds) if k not in matched_p]
    if not exp and extra:
        return "event where none is stated"
    for e in missing:  # same edge, other status?
        if any(_match((e[0], e[1], e[2], e[3], p[2], None), p) for p in extra):
            return f"status wrong (expected {e[4]})"
    for e in missing:
        if any(p[0] != e[0] and _match((p[0],) + e[1:4] + (p[2], None), p) for p in extra):
            return f"type wrong (expected {e[0]})"
    if missing and extra:
        return "wrong arguments"
    if missing:
        return f"missed {missing[0][0]}"
    return f"spurious {extra[0][0]}"


def test_relation_cases(pipeline):
    from kg.pipeline import analyze
    from kg.text.read import Document

    nlp, kb = pipeline
    cases = load_cases()
    per_family: dict[str, Counter] = defaultdict(Counter)
    per_status: dict[str, Counter] = defaultdict(Counter)
    causes: dict[str, list[str]] = defaultdict(list)
    modal_violations: list[str] = []
    date_total = date_ok = 0
    passed = 0
    lines = []
    for case in cases:
        analysis = analyze(Document(id="t", text=case["text"], date=case.get("anchor")), nlp)
        exp, unresolved = _expected_edges(case, analysis, kb)
        preds = sorted(_predicted_edges(analysis, kb), key=_label)
        matched_e, matched_p = set(), set()
        for i, e in enumerate(exp):
            for j, p in enumerate(preds):
                if _match(e, p):
                    matched_e.add(i)
                    matched_p.add(j)
                    if e[5]:
                        date_total += 1
                        date_ok += str(p[3]) == str(e[5])
        ok = not unresolved and len(matched_e) == len(exp) and len(matched_p) == len(preds)
        fam = family(case)
        statuses = {e["status"] for e in case["events"]} or {"none"}
        per_family[fam]["pass" if ok else "fail"] += 1
        for st in statuses:
            per_status[st]["pass" if ok else "fail"] += 1
        passed += ok
        if case["events"] and all(e["status"] != "asserted" for e in case["events"]):
            asserted = [p for p in preds if p[2] == "asserted"]
            if asserted:
                modal_violations.append(f"{case['id']}: {', '.join(_label(p) for p in asserted)}")
        if not ok:
            cause = _cause(case, exp, preds, matched_e, matched_p, unresolved)
            causes[cause].append(case["id"])
            exp_txt = "; ".join(f"{e['type']}({', '.join(e['agents'])}" + (f" -> {', '.join(e['targets'])}" if e.get('targets') else "")
                                + f") [{e['status']}]" for e in case["events"]) or "—"
            lines.append(f"  FAIL {case['id']} [{cause}]\n    text: {case['text']}\n    expected: {exp_txt}\n"
                         f"    predicted: {'; '.join(_label(p) for p in preds) or '—'}"
                         + (f"\n    unresolved: {', '.join(unresolved)}" if unresolved else ""))
    rate = passed / len(cases)
    print("\n".join(lines))
    print("\nRelation cases — per family:")
    for fam, c in sorted(per_family.items()):
        print(f"  {fam:10s} {c['pass']:3d}/{c['pass'] + c['fail']:3d}  {c['pass'] / (c['pass'] + c['fail']):.0%}")
    print("per expected status:")
    for st, c in sorted(per_status.items()):
        print(f"  {st:12s} {c['pass']:3d}/{c['pass'] + c['fail']:3d}  {c['pass'] / (c['pass'] + c['fail']):.0%}")
    print("failure causes:")
    for cause, ids in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(ids):3d}  {cause}: {', '.join(ids)}")
    if date_total:
        print(f"dates of matched edges: {date_ok}/{date_total}")
    print(f"OVERALL pass rate: {passed}/{len(cases)} = {rate:.3f} (floor {PASS_RATE_FLOOR})")
    assert not modal_violations, "asserted edges from non-asserted sentences:\n" + "\n".join(modal_violations)
    assert rate >= PASS_RATE_FLOOR, f"pass rate {rate:.3f} < floor {PASS_RATE_FLOOR}"
