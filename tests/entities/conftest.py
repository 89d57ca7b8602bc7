from pathlib import Path

import pytest

MINIKB = Path(__file__).resolve().parents[1] / "data" / "minikb" / "kb"


@pytest.fixture(scope="session")
def mini_nlp():
    """The pipeline on the mini KB, without statistical NER (rules only)."""
    from kg.pipeline import load_pipeline

    return load_pipeline(ner="none", kb_dir=str(MINIKB))


def mentions(nlp, text, date=None):
    from kg.pipeline import analyze
    from kg.text.read import Document

    return analyze(Document(id="t", text=text, date=date), nlp)
