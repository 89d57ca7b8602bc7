"""Regression floor: the seeds scores by `kg eval` may not silently drop below these numbers.

Raise the floors when the pipeline improves; never lower them to make a change pass.
"""

import pytest

from tests.conftest import GOLD

# the targets of the entity and relation issues (measured 2026-12-03: entities 0.963, met 1.00,
# signed 1.00, visited 0.94, micro 0.971, dates 1.00)
ENTITY_F1_FLOOR = 0.95
RELATION_F1_FLOOR = {"met": 0.85, "signed": 0.85, "visited": 0.85}
MICRO_F1_FLOOR = 0.88
DATE_ACCURACY_FLOOR = 0.90


@pytest.fixture(scope="module")
def scores(seed_analyses, kb):
    if not GOLD.exists():
        pytest.skip(f"gold file not found at {GOLD} (set RAWABIT_SHARED)")
    from kg.eval.gold import load_gold
    from kg.eval.score import evaluate

    return evaluate(load_gold(GOLD), seed_analyses, kb)


def test_seeds_all_documents_scored(scores):
    assert scores["documents"] == 5 and not scores["missing"]


def test_seeds_entity_f1_floor(scores):
    assert scores["entities"]["f1"] >= ENTITY_F1_FLOOR, scores["errors"]["entities"]


@pytest.mark.parametrize("rel", sorted(RELATION_F1_FLOOR))
def test_seeds_relation_f1_floor(scores, rel):
    assert scores["relations"][rel]["f1"] >= RELATION_F1_FLOOR[rel], scores["errors"]["relations"][rel]


def test_seeds_micro_f1_and_dates_floor(scores):
    assert scores["relations_micro"]["f1"] >= MICRO_F1_FLOOR
    assert scores["date_accuracy"] >= DATE_ACCURACY_FLOOR


def test_seeds_no_person_is_two_nodes(seed_graph):
    from kg.entities.translit import similar_names

    people = [(n, d["label_ar"]) for n, d in seed_graph.nodes(data=True) if d["type"] == "PERSON"]
    dupes = [(a, b) for i, (a, la) in enumerate(people) for b, lb in people[i + 1:] if similar_names(la, lb)]
    assert dupes == []


def test_seeds_states_carry_qids(seed_graph):
    missing = [n for n, d in seed_graph.nodes(data=True) if d["type"] == "STATE" and not d.get("qid")]
    assert missing == []
