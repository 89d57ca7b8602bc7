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


@pytest.fixture(autouse=True)
def _keep_clitic_extension():
    """Some tests here remove ``Token._.clitic`` to run a component without the text layer; put it back
    afterwards so that later tests (the tokenizer's) see the extension the text layer registered."""
    from spacy.tokens import Token

    saved = Token.get_extension("clitic") if Token.has_extension("clitic") else None
    yield
    if saved is not None:
        default, method, getter, setter = saved
        Token.set_extension("clitic", default=default, method=method, getter=getter, setter=setter, force=True)
