"""Regression floors on the development set (tests/data/dev, 12 fresh articles from other regions) and
on the held-out sets that have been used for error analysis (holdout to holdout10): the seeds alone would
let rules that only fit them pass.  A new blind set is measured in aggregate only and gets no floor here
until it has been used for error analysis (a floor would invite tuning to it).  Raise the floors as the
pipeline improves."""

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"

# (set, documents, entity F1, relations micro F1, date accuracy) floors; measured 2026-12-03 13:45 UTC:
# dev 0.922 / 0.925 / 0.986, holdout 0.846 / 0.844 / 0.917, holdout2 0.819 / 0.789 / 0.906,
# holdout3 0.831 / 0.818 / 0.933, holdout4 0.816 / 0.704 / 0.940, holdout5 0.821 / 0.529 / 0.915,
# holdout6 0.798 / 0.678 / 0.971, holdout7 0.839 / 0.612 / 0.627 (two datelines without a year: their
# relations are dated «--MM-DD» by design, the gold gives the year the story implies).
# 2026-12-03 16:00 UTC (lead-paragraph dates, ministers' portfolios, the filing agency's home country):
# holdout5 0.821 / 0.542 / 0.941, holdout7 0.839 / 0.649 / 0.759, holdout8 0.781 / 0.634 / 0.750 (blind at
# af25817: 0.781 / 0.610 / 0.592; one yearless dateline, dated «--MM-DD» by design)
# 2026-12-03 18:20 UTC (construct-state portfolios, plural offices from appositions, calls as the medium of
# talks, «ب» + capital, honorific pronouns): holdout 0.856 / 0.870 / 0.893, holdout3 0.835 / 0.855 / 0.924,
# holdout5 0.824 / 0.614 / 0.947, holdout7 0.846 / 0.671 / 0.768, holdout9 0.798 / 0.471 / 0.800 (blind at
# 7d79971: 0.798 / 0.420 / 0.750; one yearless dateline)
# 2026-12-04 14:50 UTC (holdout10's error analysis, honorific pronouns of the home dignitary, delegation heads,
# summits, «حيث», surnames after an office): dev 0.933 / 0.948 / 0.986, holdout 0.862 / 0.870 / 0.908, holdout2
# 0.842 / 0.808 / 0.909, holdout3 0.854 / 0.857 / 0.914, holdout4 0.839 / 0.728 / 0.957, holdout5 0.842 / 0.654 /
# 0.967, holdout6 0.846 / 0.728 / 0.986, holdout7 0.866 / 0.745 / 0.746, holdout8 0.824 / 0.686 / 0.789, holdout9
# 0.842 / 0.569 / 0.762, holdout10 0.867 / 0.832 / 0.667 (blind at ddb8c0b: 0.832 / 0.700 / 0.673; three yearless
# datelines whose year this gold infers from the weekday, against the seed rule)
FLOORS = {
    "dev": (12, 0.90, 0.92, 0.95),
    "holdout": (8, 0.83, 0.84, 0.88),
    "holdout2": (8, 0.81, 0.78, 0.88),
    "holdout3": (8, 0.82, 0.83, 0.89),
    "holdout4": (8, 0.81, 0.70, 0.93),
    "holdout6": (8, 0.81, 0.70, 0.95),
    "holdout5": (8, 0.81, 0.62, 0.94),
    "holdout7": (8, 0.83, 0.71, 0.72),
    "holdout8": (8, 0.79, 0.65, 0.76),
    "holdout9": (8, 0.81, 0.53, 0.73),
    "holdout10": (8, 0.83, 0.80, 0.64),
}


@pytest.fixture(scope="module", params=sorted(FLOORS))
def scored(request, nlp, kb):
    from kg.build import analyze_corpus
    from kg.eval.gold import load_gold
    from kg.eval.score import evaluate

    name = request.param
    folder = DATA / name
    analyses, problems = analyze_corpus([folder], nlp=nlp)
    assert not problems
    return name, evaluate(load_gold(folder / f"{name}.gold.yaml"), analyses, kb)


def test_all_documents_scored(scored):
    name, scores = scored
    assert scores["documents"] == FLOORS[name][0] and not scores["missing"]


def test_floors(scored):
    name, scores = scored
    _, entities, micro, dates = FLOORS[name]
    assert scores["entities"]["f1"] >= entities, (name, scores["errors"]["entities"])
    assert scores["relations_micro"]["f1"] >= micro, (name, scores["errors"]["relations"])
    assert scores["date_accuracy"] >= dates, (name, scores["errors"]["dates"])
