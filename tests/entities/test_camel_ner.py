"""Optional CAMeL BERT NER backend, on a tiny BERT model built here (no download)."""

from __future__ import annotations

import builtins
import os

import pytest
import spacy
from spacy.tokens import Doc, Token

from kg.errors import BackendUnavailable

CAMEL_LABELS = ["B-LOC", "B-ORG", "B-PERS", "B-MISC", "I-LOC", "I-ORG", "I-PERS", "I-MISC", "O"]


def test_missing_camel_tools_gives_backend_unavailable(monkeypatch):
    from kg.entities import camel_ner

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "camel_tools" or name.startswith("camel_tools."):
            raise ImportError("No module named 'camel_tools'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(BackendUnavailable, match="camel_data -i ner-arabert"):
        camel_ner.load_recognizer(None)


def test_import_does_not_download(tmp_path, monkeypatch):
    """With no CAMeL catalogue on disk, importing through the backend must not try the network."""
    pytest.importorskip("camel_tools")
    import sys

    if "camel_tools.data" in sys.modules:
        pytest.skip("camel_tools.data already imported in this process")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "empty"))
    from kg.entities.camel_ner import _import_recognizer

    assert _import_recognizer().__name__ == "NERecognizer"
    assert os.environ["CAMELTOOLS_DATA"] == str(tmp_path / "empty")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    pytest.importorskip("camel_tools")
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import torch

    d = tmp_path_factory.mktemp("tiny-bert-ner")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "و", "##و", "بوتين", "زار", "ال", "##صين", "صين",
             "الصين", "قال", ".", "في", "موسكو"]
    (d / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=300,
        id2label=dict(enumerate(CAMEL_LABELS)), label2id={l: i for i, l in enumerate(CAMEL_LABELS)},
    )
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    # Make the output deterministic and meaningful: the classifier reads nothing but its bias, which
    # says "B-PERS" for every word.
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.fill_(-5.0)
        model.classifier.bias[CAMEL_LABELS.index("B-PERS")] = 5.0
    model.save_pretrained(str(d))
    tok = transformers.BertTokenizer(vocab_file=str(d / "vocab.txt"), do_lower_case=False, tokenize_chinese_chars=False)
    tok.save_pretrained(str(d))
    return d


def test_recognizer_loads_tiny_model(tiny_model):
    from kg.entities.camel_ner import load_recognizer

    rec = load_recognizer(tiny_model)
    preds = rec.predict([["بوتين", "زار", "الصين"], ["قال"]])
    assert [len(p) for p in preds] == [3, 1]
    assert all(t in CAMEL_LABELS for p in preds for t in p)


def test_component_on_clitic_doc(tiny_model):
    import kg.entities.camel_ner  # noqa: F401  (registers the factory)

    nlp = spacy.blank("ar")
    comp = nlp.add_pipe("kg_camel_ner", config={"model_path": str(tiny_model)})
    Token.set_extension("clitic", default="", force=True)
    doc = Doc(nlp.vocab, words=["و", "بوتين", "زار", "ال", "صين", "."], spaces=[False, True, True, False, False, False])
    doc[0]._.clitic = "prefix"
    doc[3]._.clitic = "article"
    seen = []
    real = comp.tag_sents
    comp.tag_sents = lambda sents: seen.append(sents) or real(sents)
    doc = nlp(doc)
    assert seen == [[["وبوتين", "زار", "الصين", "."]]]
    spans = [(s.start, s.end, s.label_) for s in doc.spans["ner"]]
    # every word is B-PERS in the tiny model: 4 one-word spans, the prefix token و dropped
    assert spans == [(1, 2, "PERS"), (2, 3, "PERS"), (3, 5, "PERS"), (5, 6, "PERS")]
    Token.remove_extension("clitic")


def test_bad_model_path(tmp_path):
    pytest.importorskip("camel_tools")
    from kg.entities.camel_ner import load_recognizer

    with pytest.raises(BackendUnavailable, match="config.json"):
        load_recognizer(tmp_path)
