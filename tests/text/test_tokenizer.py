from __future__ import annotations

import spacy
from hypothesis import given, settings, strategies as st
from spacy.tokens import Token

from kg.text.tokenizer import ArabicTokenizer, register_token_extensions


def _nlp():
    nlp = spacy.blank("ar")
    nlp.tokenizer = ArabicTokenizer(nlp.vocab)
    return nlp


NLP = _nlp()


def test_clitics_and_norms():
    doc = NLP("وبوتين التقى بالرئيس «للاتحاد» في 2024-04-13، وأكد 3.5%.")
    toks = [(t.text, t.norm_, t._.clitic) for t in doc]
    assert ("و", "و", "prefix") in toks
    assert ("بوتين", "بوتين", "") in toks
    i = [t.text for t in doc].index("بالرئيس") if "بالرئيس" in doc.text.split() and False else None
    texts = [t.text for t in doc]
    assert texts[texts.index("التقى") + 1: texts.index("التقى") + 4] == ["ب", "ال", "رئيس"]
    assert "«" in texts and "»" in texts and "2024-04-13" in texts and "3.5" in texts and "،" in texts
    art = [t for t in doc if t._.clitic == "article"]
    assert all(t.norm_ == "ال" for t in art) and len(art) == 2
    assert doc.text == "وبوتين التقى بالرئيس «للاتحاد» في 2024-04-13، وأكد 3.5%."
    # clitic pieces are glued (no space) to the following piece
    w = doc[0]
    assert w.text == "و" and w.whitespace_ == ""


def test_registry_and_extension_idempotent():
    register_token_extensions()
    register_token_extensions()
    assert Token.has_extension("clitic")
    nlp = spacy.blank("ar", config={"nlp": {"tokenizer": {"@tokenizers": "kg.ArabicTokenizer.v1"}}})
    assert isinstance(nlp.tokenizer, ArabicTokenizer)
    assert nlp("وقال").text == "وقال"


def test_whitespace_preserved():
    text = "  سطر أول\n\nسطر\tثان   نهاية \n"
    doc = NLP(text)
    assert doc.text == text


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.sampled_from(list("وبالرئيسلكفس «»“”\"،.؟\n\t 0123456789ًٌٍَُِّْـ")), st.characters(blacklist_categories=("Cs",))), max_size=80))
def test_roundtrip_property(text):
    # (lone surrogates are excluded: decoded text never has them and spaCy cannot store them)
    doc = NLP(text)
    assert doc.text == text
