"""The benchmark report (benchmarks/benchmarks_report.py): the history of runs and its scaling."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture()
def report_modules(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import benchmarks_report
    import run

    yield run, benchmarks_report
    for name in ("run", "benchmarks_report"):
        sys.modules.pop(name, None)


def _results(words_per_s_core: float, bert: float, load_before: float) -> dict:
    words, wall = 1_000_000, 1_000_000 / (2 * words_per_s_core)
    build = {"wall_s": wall, "stats": {"words": words, "documents": 10, "timings": {"analyze": wall * 0.9,
             "graph": wall * 0.05}}, "rss_driver_mb": 400, "rss_worker_mb": 500, "output_bytes": 2**20}
    return {"date": "2026-12-03T20:05:50+00:00", "argv": "", "sizes": [10],
            "machine": {"usable_cores": 2, "python": "3.11", "platform": "Linux", "commit": "abc1234",
                        "load_before": [load_before, 0, 0], "load_after": [1.9, 0, 0]},
            "builds": {"10": {"first": build, "rerun": {**build, "wall_s": wall / 30}}},
            "bert_1": {"words_per_s": bert, "documents": 1, "words": 100}}


def test_history_entry_and_scaling_to_the_reference_bert_speed(report_modules, tmp_path, monkeypatch):
    run, report = report_modules
    history = tmp_path / "history.jsonl"
    monkeypatch.setattr(run, "HISTORY", history)
    run.append_history(_results(19_000, 475, 0.1))
    run.append_history(_results(26_000, 550, 0.1))
    rows = report.read_history(history)
    assert [r["words_per_s_core"] for r in rows] == [19_000, 26_000]
    assert rows[0]["commit"] == "abc1234" and rows[0]["bert_words_per_s"] == 475
    md, _ = report.render(_results(26_000, 550, 0.1), run.TARGETS, rows)
    section = md.split("## Earlier runs on this machine", 1)[1].split("## Notes", 1)[0]
    # 19,000 words/s per core when BERT ran at 475 words/s is 22,000 at the reference 550
    assert "| 19,000 |" in section and "| 22,000 |" in section
    assert "| 26,000 |" in section


def test_shared_machine_warning_follows_the_load_before_the_run(report_modules):
    run, report = report_modules
    quiet, _ = report.render(_results(26_000, 550, 0.2), run.TARGETS, [])
    busy, _ = report.render(_results(26_000, 550, 1.5), run.TARGETS, [])
    assert "shared with other engineers" not in quiet  # the load after the run is its own workers'
    assert "shared with other engineers" in busy
    assert "Earlier runs" not in quiet
    json.dumps(run.history_entry(_results(26_000, 550, 0.2)))
