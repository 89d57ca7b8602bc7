"""A small, realistic graph built by hand (the exporters' tests do not wait for the pipeline)."""

from __future__ import annotations

import os

import networkx as nx
import pytest

PEOPLE_AND_THINGS = [
    ("abdel-fattah-el-sisi", "PERSON", "عبد الفتاح السيسي", "Abdel Fattah el-Sisi", "Q57338", ["السيسي", "عبدالفتاح السيسي"]),
    ("recep-tayyip-erdogan", "PERSON", "رجب طيب أردوغان", "Recep Tayyip Erdoğan", "Q39723", ["أردوغان", "اردوغان"]),
    ("vladimir-putin", "PERSON", "فلاديمير بوتين", "Vladimir Putin", "Q7747", ["بوتين"]),
    ("egypt", "STATE", "مصر", "Egypt", "Q79", ["جمهورية مصر العربية"]),
    ("turkey", "STATE", "تركيا", "Turkey", "Q43", ["تركية"]),
    ("russia", "STATE", "روسيا", "Russia", "Q159", ["روسيا الاتحادية"]),
    ("cairo", "PLACE", "القاهرة", "Cairo", "Q85", []),
    ("akp", "PARTY", "حزب العدالة والتنمية", "Justice and Development Party", "Q31025", ["العدالة والتنمية"]),
    ("arab-league", "ORG", "جامعة الدول العربية", "Arab League", "Q7172", ["الجامعة العربية"]),
    ("agreement-egypt-turkey-2024", "AGREEMENT", "مذكرة التفاهم المصرية التركية", None, None, []),
]

DOCS = {
    "ahram-2024-02-14": {"title": "السيسي يستقبل أردوغان في القاهرة", "date": "2024-02-14", "date_source": "metadata",
                         "path": "corpus/ahram/2024-02-14.txt"},
    "aa-2024-11-02": {"title": "بوتين يعتزم زيارة تركيا", "date": "2024-11-02", "date_source": "metadata",
                      "path": "corpus/aa/2024-11-02.txt"},
    "sana-2023-10-05": {"title": "الكرملين ينفي لقاءً", "date": "2023-10-05", "date_source": "text",
                        "path": "corpus/sana/2023-10-05.txt"},
}

S_MET = "استقبل الرئيس عبد الفتاح السيسي نظيره التركي رجب طيب أردوغان في القاهرة يوم الأربعاء."
S_VISIT = "وصل الرئيس التركي أردوغان إلى القاهرة في أول زيارة له إلى مصر منذ أكثر من عشر سنوات."
S_SIGN = "ووقّعت مصر وتركيا مذكرة التفاهم المصرية التركية للتعاون في مجال الطاقة."
S_PLAN = "ومن المقرر أن يزورَ الرئيسُ الروسيُّ فلاديمير بوتين تركيا العامَ المقبل."
S_NEG = "نفى الكرملين أن يكون بوتين قد التقى السيسي على هامش القمة."
S_SUMMIT = "وشارك السيسي في القمة الطارئة التي عقدتها جامعة الدول العربية في الرياض."
S_CALL = "وقد يجري أردوغان اتصالاً هاتفياً مع بوتين إذا تطورت الأوضاع."


def _ev(doc: str, sentence: str, extractor: str, confidence: float, start: int = 0) -> dict:
    return {"doc": doc, "start": start, "end": start + len(sentence), "sentence": sentence,
            "extractor": extractor, "confidence": confidence}


def make_small_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="rawabit")
    G.graph["documents"] = {k: dict(v) for k, v in DOCS.items()}
    for eid, etype, ar, en, qid, aliases in PEOPLE_AND_THINGS:
        G.add_node(eid, type=etype, label_ar=ar, label_en=en, qid=qid, aliases=list(aliases),
                   documents=sorted(DOCS), mention_count=2, positions=[], known=qid is not None)
    G.nodes["abdel-fattah-el-sisi"]["positions"] = [{"role": "president", "of": "egypt", "title": "الرئيس المصري",
                                                     "doc": "ahram-2024-02-14"}]

    def event(etype, eid, pairs, *, date, place, status, confidence, evidence, participants, targets=()):
        for n, (u, v) in enumerate(pairs):
            G.add_edge(u, v, key=eid if n == 0 else f"{eid}#{n}", type=etype, event_id=eid, date=date, place=place,
                       status=status, confidence=confidence, participants=sorted(participants), targets=list(targets),
                       evidence=evidence, cameo={"met": "040", "visited": "042", "signed": "057"}.get(etype, ""))

    event("met", "met-0a1b2c3d4e", [("abdel-fattah-el-sisi", "recep-tayyip-erdogan")], date="2024-02-14", place="cairo",
          status="asserted", confidence=0.9, participants=["abdel-fattah-el-sisi", "recep-tayyip-erdogan"],
          evidence=[_ev("ahram-2024-02-14", S_MET, "rules:met:verb", 0.9, 120)])
    event("visited", "visited-5f6a7b8c9d", [("recep-tayyip-erdogan", "egypt")], date="2024-02-14", place="cairo",
          status="asserted", confidence=0.85, participants=["recep-tayyip-erdogan"], targets=["egypt"],
          evidence=[_ev("ahram-2024-02-14", S_VISIT, "rules:visited:arrive", 0.85, 40)])
    event("signed", "signed-1234abcd56", [("egypt", "agreement-egypt-turkey-2024"), ("turkey", "agreement-egypt-turkey-2024")],
          date="2024-02-14", place="cairo", status="asserted", confidence=0.8, participants=["egypt", "turkey"],
          targets=["agreement-egypt-turkey-2024"], evidence=[_ev("ahram-2024-02-14", S_SIGN, "rules:signed:verb", 0.8, 300)])
    event("visited", "visited-abcdef0123", [("vladimir-putin", "turkey")], date="2025", place=None,
          status="planned", confidence=0.7, participants=["vladimir-putin"], targets=["turkey"],
          evidence=[_ev("aa-2024-11-02", S_PLAN, "rules:visited:jussive", 0.7, 0)])
    event("met", "met-9999aaaa00", [("abdel-fattah-el-sisi", "vladimir-putin")], date="2023-10", place=None,
          status="negated", confidence=0.6, participants=["abdel-fattah-el-sisi", "vladimir-putin"],
          evidence=[_ev("sana-2023-10-05", S_NEG, "rules:met:verb", 0.6, 10)])
    event("attended", "attended-77aa88bb99", [("abdel-fattah-el-sisi", "arab-league")], date="2023-11-11", place=None,
          status="asserted", confidence=0.75, participants=["abdel-fattah-el-sisi"], targets=["arab-league"],
          evidence=[_ev("sana-2023-10-05", S_SUMMIT, "rules:attended:verb", 0.75, 200)])
    event("phone_call", "phone_call-0102030405", [("recep-tayyip-erdogan", "vladimir-putin")], date=None, place=None,
          status="hypothetical", confidence=0.5, participants=["recep-tayyip-erdogan"], targets=["vladimir-putin"],
          evidence=[_ev("aa-2024-11-02", S_CALL, "rules:phone_call:verb", 0.5, 80)])
    G.add_edge("akp", "recep-tayyip-erdogan", key="invited-0000000001", type="invited", event_id="invited-0000000001",
               date="2024-03", place="turkey", status="asserted", confidence=0.55, participants=["akp"],
               targets=["recep-tayyip-erdogan"], cameo="036",
               evidence=[_ev("aa-2024-11-02", "ودعا حزب العدالة والتنمية أردوغان إلى المؤتمر العام للحزب.", "rules:invited:verb", 0.55)])
    return G


# Strings that would run script if the page ever parsed data as HTML or followed it as a URL
PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=2\">",
    "<a href=\"javascript:window.__pwned=3\">اضغط هنا</a>",
    "\u202eنيتوب\u202c <svg onload=window.__pwned=4>",
    "</script><script>window.__pwned=5</script>",
    "\" onmouseover=\"window.__pwned=6\" x=\"",
    "javascript:window.__pwned=7",
]


def make_payload_graph() -> nx.MultiDiGraph:
    """The small graph plus one person per payload, named, sourced and quoted with it (and met with Putin)."""
    G = make_small_graph()
    for k, text in enumerate(PAYLOADS):
        nid = f"evil-{k}"
        doc = f"doc {text}"
        G.graph["documents"][doc] = {"title": text, "date": "2024-05-01", "date_source": "metadata", "path": f"/in/{text}.txt"}
        G.add_node(nid, type="PERSON", label_ar=text, label_en=text, qid=text, aliases=[text + " بوتين"], documents=[doc],
                   mention_count=1, positions=[{"role": text, "of": text, "title": text, "doc": doc}], known=False)
        G.add_edge(nid, "vladimir-putin", key=f"met-evil-{k}", type="met", event_id=f"met-evil-{k}", date=text,
                   place=None, status="asserted", confidence=0.9, participants=sorted([nid, "vladimir-putin"]), targets=[],
                   cameo="040", evidence=[{"doc": doc, "start": 0, "end": 5, "sentence": f"التقى {text} مع بوتين {text}",
                                           "extractor": text, "confidence": 0.9}])
    return G


@pytest.fixture
def small_graph() -> nx.MultiDiGraph:
    return make_small_graph()


def missing_browser(reason: str, install: str):
    """Skip a browser test whose browser or driver library is missing, with how to install it; fail
    instead when ``RAWABIT_REQUIRE_BROWSER`` is set (CI must never skip them)."""
    if os.environ.get("RAWABIT_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (RAWABIT_REQUIRE_BROWSER is set); install with: {install}")
    pytest.skip(f"{reason}; install with: {install}")
