from kg.analysis import DocumentAnalysis
from kg.entities.kb import KnowledgeBase
from kg.entities.model import Entity, Mention
from kg.graph.build import build_graph, merge_unknown_entities
from kg.graph.schema import iter_events, validate_graph
from kg.relations.model import Event, Evidence


def _kb():
    return KnowledgeBase([
        Entity("vladimir-putin", "PERSON", "فلاديمير بوتين", "Vladimir Putin", "Q7747", country="russia"),
        Entity("kim-jong-un", "PERSON", "كيم جونغ أون", "Kim Jong Un", "Q56226", country="north-korea"),
        Entity("russia", "STATE", "روسيا", "Russia", "Q159"),
        Entity("north-korea", "STATE", "كوريا الشمالية", "North Korea", "Q423"),
    ])


def _analysis(doc_id, events, mentions=()):
    return DocumentAnalysis(doc_id, None, None, None, None, "x", list(mentions), [], events)


def _met(doc, date, start=0, status="asserted"):
    return Event("met", ["kim-jong-un", "vladimir-putin"], date=date, status=status, confidence=0.9,
                 evidence=[Evidence(doc, start, start + 10, "التقى كيم بوتين", "rules:met:verb", 0.9)])


def test_build_merges_same_event_across_documents():
    a = _analysis("a", [_met("a", "2024-06-19")])
    b = _analysis("b", [_met("b", "2024-06")])
    G = build_graph([a, b], _kb())
    events = iter_events(G)
    assert len(events) == 1
    assert sorted(e["doc"] for e in events[0]["evidence"]) == ["a", "b"]
    assert events[0]["date"] == "2024-06-19"
    validate_graph(G)


def test_build_keeps_repeated_meetings_on_different_dates_apart():
    a = _analysis("a", [_met("a", "2019-04"), _met("a", "2023-09", start=50)])
    G = build_graph([a], _kb())
    assert sorted(e["date"] for e in iter_events(G)) == ["2019-04", "2023-09"]


def test_build_node_attributes_come_from_kb():
    m = Mention(0, 5, "بوتين", ["vladimir-putin"], "PERSON", "short-form")
    G = build_graph([_analysis("a", [], [m])], _kb())
    assert G.nodes["vladimir-putin"]["qid"] == "Q7747"
    assert G.nodes["vladimir-putin"]["label_ar"] == "فلاديمير بوتين"
    assert G.nodes["vladimir-putin"]["aliases"] == ["بوتين"]
    assert G.nodes["vladimir-putin"]["documents"] == ["a"]


def test_build_is_independent_of_input_order():
    a = _analysis("a", [_met("a", "2024-06")])
    b = _analysis("b", [_met("b", "2019-04")])
    G1, G2 = build_graph([a, b], _kb()), build_graph([b, a], _kb())
    assert sorted(G1.edges(keys=True)) == sorted(G2.edges(keys=True))


def test_merge_unknown_entities_joins_transliteration_variants():
    m1 = Mention(0, 12, "أولغا ليوبيموفا", ["person-awlgha-lywbymwfa"], "PERSON", "ner")
    m2 = Mention(0, 12, "اولجا ليوبيموفا", ["person-awlja-lywbymwfa"], "PERSON", "ner")
    rename, reasons = merge_unknown_entities([_analysis("a", [], [m1]), _analysis("b", [], [m2])])
    assert rename == {"person-awlja-lywbymwfa": "person-awlgha-lywbymwfa"}
    assert "transliteration" in reasons[0]["why"]


def _corpus():
    m1 = Mention(0, 12, "أولغا ليوبيموفا", ["person-awlgha-lywbymwfa"], "PERSON", "ner")
    m2 = Mention(0, 12, "اولجا ليوبيموفا", ["person-awlja-lywbymwfa"], "PERSON", "ner")
    ev = Event("met", ["person-awlja-lywbymwfa", "vladimir-putin"], date="2024-06", confidence=0.9,
               evidence=[Evidence("c", 0, 10, "التقت اولجا ليوبيموفا بوتين", "rules:met:verb", 0.9)])
    return [_analysis("c", [ev], [m2]), _analysis("a", [_met("a", "2024-06-19")], [m1]),
            _analysis("b", [_met("b", "2024-06")])]


def _graph_dump(G):
    from networkx.readwrite import json_graph
    import json

    return json.dumps(json_graph.node_link_data(G, edges="links"), sort_keys=True, ensure_ascii=False)


def test_build_from_analysis_file_equals_build_from_list(tmp_path):
    """The streaming merge (two passes over analyses.jsonl in document-id order) builds the same graph
    as the in-memory one, and leaves the caller's analyses untouched."""
    import json

    from kg.analysis import AnalysisFile

    corpus = _corpus()
    path = tmp_path / "analyses.jsonl"
    path.write_text("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in corpus), encoding="utf-8")
    stream = AnalysisFile(path)
    assert [doc for doc, _, _ in stream.index] == ["a", "b", "c"]
    assert [a.doc_id for a in stream()] == ["a", "b", "c"]  # each call is a new pass
    before = [a.to_dict() for a in corpus]
    from_list = build_graph(corpus, _kb())
    assert [a.to_dict() for a in corpus] == before
    from_file = build_graph(stream, _kb())
    assert _graph_dump(from_file) == _graph_dump(from_list)
    assert "person-awlja-lywbymwfa" not in from_file  # renamed into the first spelling in both
