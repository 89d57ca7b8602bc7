"""Shared fixtures: the pipeline (session scope), the seeds' analyses, a small hand-made graph."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("RAWABIT_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "gold" / "seeds.gold.yaml"


@pytest.fixture(scope="session")
def nlp():
    from kg.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def kb():
    from kg.pipeline import get_kb

    return get_kb()


@pytest.fixture(scope="session")
def seed_analyses(nlp):
    from kg.build import analyze_corpus

    analyses, problems = analyze_corpus([SEEDS], nlp=nlp)
    assert not problems
    return analyses


@pytest.fixture(scope="session")
def seed_graph(seed_analyses, kb):
    from kg.graph.build import build_graph

    return build_graph(seed_analyses, kb)
