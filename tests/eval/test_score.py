import textwrap

import pytest

from kg.analysis import DocumentAnalysis
from kg.entities.kb import KnowledgeBase
from kg.entities.model import Entity, Mention
from kg.eval.gold import load_gold
from kg.eval.score import evaluate
from kg.relations.model import Event

GOLD = textwrap.dedent("""
    entities:
      - {id: putin, type: PERSON, qid: Q7747, names: [فلاديمير بوتين, بوتين]}
      - {id: kim, type: PERSON, qid: Q56226, names: [كيم جونغ أون]}
      - {id: lavrov, type: PERSON, names: [سيرغي لافروف]}
      - {id: russia, type: STATE, qid: Q159, names: [روسيا]}
      - {id: moscow, type: PLACE, names: [موسكو]}
    documents:
      - doc: d1.txt
        entities: [putin, kim, russia]
        optional_entities: [lavrov]
        relations:
          - {type: met, args: [kim, putin], date: 2024-06}
          - {type: visited, agent: kim, destination: russia, date: 2023-09}
          - {type: met, args: [kim, lavrov], implicit: true}
""")


@pytest.fixture()
def gold(tmp_path):
    p = tmp_path / "g.yaml"
    p.write_text(GOLD, encoding="utf-8")
    return load_gold(p)


@pytest.fixture()
def kb():
    return KnowledgeBase([
        Entity("vladimir-putin", "PERSON", "فلاديمير بوتين", qid="Q7747"),
        Entity("kim-jong-un", "PERSON", "كيم جونغ أون", qid="Q56226"),
        Entity("russia", "STATE", "روسيا", qid="Q159"),
        Entity("moscow", "PLACE", "موسكو", capital_of="russia"),
    ])


def _m(text, eid, etype, method="kb-name"):
    return Mention(0, len(text), text, [eid], etype, method)


def _a(mentions, events):
    return DocumentAnalysis("d1", None, None, None, None, "x", mentions, [], events)


def test_eval_perfect_prediction(gold, kb):
    ms = [_m("بوتين", "vladimir-putin", "PERSON"), _m("كيم جونغ أون", "kim-jong-un", "PERSON"), _m("روسيا", "russia", "STATE")]
    evs = [Event("met", ["vladimir-putin", "kim-jong-un"], date="2024-06"), Event("visited", ["kim-jong-un"], ["russia"], date="2023-09")]
    r = evaluate(gold, [_a(ms, evs)], kb)
    assert r["entities"]["f1"] == 1.0
    assert r["relations"]["met"]["f1"] == 1.0 and r["relations"]["visited"]["f1"] == 1.0
    assert r["date_accuracy"] == 1.0


def test_eval_city_is_not_its_state_and_optional_is_ignored(gold, kb):
    ms = [_m("موسكو", "moscow", "PLACE"), _m("سيرغي لافروف", "person-x", "PERSON", "ner")]
    r = evaluate(gold, [_a(ms, [])], kb)
    assert r["entities"]["tp"] == 0 and r["entities"]["fp"] == 1 and r["entities"]["fn"] == 3


def test_eval_duplicate_event_is_a_false_positive_and_wrong_date_counts(gold, kb):
    ms = [_m("بوتين", "vladimir-putin", "PERSON"), _m("كيم جونغ أون", "kim-jong-un", "PERSON")]
    evs = [Event("met", ["kim-jong-un", "vladimir-putin"], date="2024-06-19"), Event("met", ["kim-jong-un", "vladimir-putin"], date="2024-06")]
    r = evaluate(gold, [_a(ms, evs)], kb)
    assert r["relations"]["met"]["tp"] == 1 and r["relations"]["met"]["fp"] == 1
    assert r["date_accuracy"] == 0.0


def test_eval_implicit_is_neutral_in_strict_and_counts_in_lenient(gold, kb):
    ms = [_m("كيم جونغ أون", "kim-jong-un", "PERSON"), _m("سيرغي لافروف", "person-lavrov", "PERSON", "ner")]
    evs = [Event("met", ["kim-jong-un", "person-lavrov"])]
    r = evaluate(gold, [_a(ms, evs)], kb)
    assert r["relations"]["met"]["fp"] == 0 and r["relations"]["met"]["tp"] == 0
    assert r["relations_lenient"]["met"]["tp"] == 1


def test_eval_ignores_non_asserted_events(gold, kb):
    evs = [Event("met", ["vladimir-putin", "kim-jong-un"], date="2024-06", status="planned")]
    r = evaluate(gold, [_a([], evs)], kb)
    assert r["relations"]["met"]["tp"] == 0 and r["relations"]["met"]["fp"] == 0 and r["relations"]["met"]["fn"] == 1
