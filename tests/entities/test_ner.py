"""CRF NER: scorer, features, packaged model, spaCy component ``kg_ner``."""

from __future__ import annotations


import pytest
import spacy
from spacy.tokens import Doc, Token

from kg.entities import ner as ner_mod
from kg.entities.ner import (
    CrfTagger,
    chunks,
    default_model_dir,
    doc_words,
    evaluate_ner,
    format_scores,
    repair_iob2,
    score_chunks,
)
from kg.entities.ner_features import (
    Lexicon,
    _add_prefixes,
    gaz_key,
    normalize,
    sent_features,
    stem,
    strip_proclitics,
)
from kg.errors import DataFileError

HAS_MODEL = (default_model_dir() / ner_mod.MODEL_FILE).is_file()
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="packaged NER model not trained")


# ---------------------------------------------------------------------------- scorer

def test_chunks_iob2_and_stray_i():
    tags = ["B-PERS", "I-PERS", "O", "B-LOC", "B-LOC", "I-ORG", "I-ORG", "O", "I-MISC"]
    assert chunks(tags) == {(0, 2, "PERS"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 7, "ORG"), (8, 9, "MISC")}
    # I- of another type starts a new chunk (conlleval)
    assert chunks(["B-PERS", "I-LOC"]) == {(0, 1, "PERS"), (1, 2, "LOC")}
    assert chunks([]) == set()


def test_score_exact_span_only():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]]
    pred = [["B-PERS", "O", "O", "B-LOC"], ["B-ORG", "I-ORG", "I-ORG"]]
    res = score_chunks(gold, pred)
    # gold: PERS(0,2) LOC ORG; pred: PERS(0,1) wrong span, LOC and ORG right
    assert res["micro"]["tp"] == 2 and res["micro"]["gold"] == 3 and res["micro"]["pred"] == 3
    assert res["micro"]["precision"] == pytest.approx(2 / 3)
    assert res["micro"]["f1"] == pytest.approx(2 / 3)
    assert res["per_type"]["PERS"]["f1"] == 0.0
    assert res["per_type"]["LOC"]["f1"] == 1.0


def test_score_wrong_type_and_empty():
    res = score_chunks([["B-PERS", "O"]], [["B-LOC", "O"]])
    assert res["micro"]["tp"] == 0 and res["micro"]["f1"] == 0.0
    assert res["per_type"]["PERS"]["recall"] == 0.0 and res["per_type"]["LOC"]["precision"] == 0.0
    empty = score_chunks([["O"]], [["O"]])
    assert empty["micro"]["f1"] == 0.0 and empty["per_type"] == {}
    # partial: one right out of two gold, one extra prediction
    res = score_chunks([["B-ORG", "O", "B-ORG"]], [["B-ORG", "B-MISC", "O"]])
    assert res["micro"]["precision"] == 0.5 and res["micro"]["recall"] == 0.5
    assert "micro" in format_scores(res)


def test_score_length_mismatch():
    with pytest.raises(ValueError):
        score_chunks([["O", "O"]], [["O"]])


def test_repair_iob2():
    assert repair_iob2(["O", "I-PERS", "I-PERS", "I-LOC"]) == ["O", "B-PERS", "I-PERS", "B-LOC"]


# ---------------------------------------------------------------------------- features

def test_normalize_and_clitics():
    assert normalize("أَحْمَد") == "احمد"
    assert normalize("إسرائيل") == "اسراييل"
    assert strip_proclitics(normalize("وللرئيس")) == ("ول", "الرييس")
    assert stem(normalize("بالعراق")) == "عراق"
    assert stem(normalize("والأردن")) == "اردن"
    assert stem("من") == "من"  # short words untouched


def test_features_deterministic():
    words = "وقال الرئيس الروسي فلاديمير بوتين في موسكو ، أمس .".split()
    lex = Lexicon(gaz={}, lex={})
    a = sent_features(words, lex)
    b = sent_features(list(words), Lexicon(gaz={}, lex={}))
    assert a == b and len(a) == len(words)
    assert all(isinstance(f, str) for fs in a for f in fs)
    assert "pre=و" in a[0] and "-1:BOS" in a[0] and "punct" in a[-1]


def _phrase_table(phrases: dict[str, str], prefix: str = "") -> dict[str, str]:
    table: dict[str, set[str]] = {}
    for phrase, letter in phrases.items():
        toks = [normalize(w) for w in phrase.split()]
        table.setdefault(gaz_key(toks, prefix), set()).add(letter)
        _add_prefixes(table, toks, prefix)
    return {k: "".join(sorted(v)) for k, v in table.items()}


def test_gazetteer_longest_phrase_wins_through_prefix_entries():
    """A phrase is extended while some entry starts with it: the longest match from each word wins
    (matches from different words may overlap), and prefixes present only as empty entries produce
    no tag of their own."""
    gaz = _phrase_table({"الولايات المتحدة الامريكية": "L", "المتحدة": "O", "بوتين": "P"})
    assert gaz[gaz_key(["الولايات"])] == ""  # a prefix only
    lex = Lexicon(gaz=gaz, gaz_max=5)
    feats = sent_features("زار بوتين الولايات المتحدة الأمريكية ثم المتحدة .".split(), lex)
    tags = [[f for f in fs if f.startswith("gaz=")] for fs in feats]
    assert tags == [[], ["gaz=U-P"], ["gaz=B-L"], ["gaz=I-L", "gaz=U-O"], ["gaz=I-L"], [], ["gaz=U-O"], []]


def test_lexicon_without_prefix_entries_is_refused(tmp_path):
    old = tmp_path / "lexicon.json"
    old.write_text('{"gaz": {"00aa": "L"}, "lex": {}, "freq": {}, "gaz_max": 5}', encoding="utf-8")
    with pytest.raises(DataFileError, match="retrain"):
        Lexicon.load(old)
    saved = tmp_path / "saved.json"
    Lexicon(gaz={"00aa": "L"}, gaz_max=5).save(saved)
    assert Lexicon.load(saved).gaz == {"00aa": "L"}


def test_features_same_across_hash_seeds():
    """No set/dict-order dependence: same features under different PYTHONHASHSEEDs."""
    import os
    import subprocess
    import sys

    lex_path = default_model_dir() / ner_mod.LEXICON_FILE
    code = (
        "import json, sys; from pathlib import Path; from kg.entities.ner_features import Lexicon, sent_features; "
        "p = Path(sys.argv[1]); lex = Lexicon.load(p) if p.is_file() else Lexicon(); "
        "print(json.dumps(sent_features('وقال الرئيس الروسي فلاديمير بوتين في الولايات المتحدة الأمريكية .'.split(), lex)))"
    )
    outs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outs.add(subprocess.run([sys.executable, "-c", code, str(lex_path)], env=env, capture_output=True, text=True,
                                check=True).stdout)
    assert len(outs) == 1


def test_stack_features_and_contexts():
    from kg.entities.ner_features import _ctx_key, document_contexts, stack_features

    sents = [["قال", "بوتين", "."], ["وبوتين", "زار", "موسكو"]]
    first = [["O", "B-PERS", "O"], ["O", "O", "B-LOC"]]
    ctx = document_contexts(sents, first, None, window=1)
    assert _ctx_key("وبوتين", None) == _ctx_key("بوتين", None)  # same key with or without the conjunction
    assert ctx[1][_ctx_key("بوتين", None)] == {"PERS": 1}
    assert _ctx_key(".", None) == ""
    f = stack_features(sents[1], first[1], ctx[1], None)
    assert "doc=PERS" in f[0] and "t0=O" in f[0] and "t+1=O" in f[0]
    assert "t0=B-LOC" in f[2]


# ---------------------------------------------------------------------------- packaged model

@pytest.fixture(scope="module")
def tagger():
    if not HAS_MODEL:
        pytest.skip("packaged NER model not trained")
    return CrfTagger.load()


def _ents(words, tags):
    return {(" ".join(words[s:e]), t) for s, e, t in chunks(tags)}


@needs_model
@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "واستقبل الرئيس الفرنسي إيمانويل ماكرون في باريس رئيس الوزراء الهندي ناريندرا مودي .",
            {("إيمانويل ماكرون", "PERS"), ("باريس", "LOC")},
        ),
        (
            "وقال بوتين في موسكو إن روسيا مستعدة للحوار .",
            {("بوتين", "PERS"), ("موسكو", "LOC"), ("روسيا", "LOC")},
        ),
        (
            "دعت الأمم المتحدة إلى وقف إطلاق النار في لبنان .",
            {("الأمم المتحدة", "ORG"), ("لبنان", "LOC")},
        ),
    ],
)
def test_packaged_model_tags(tagger, sentence, expected):
    words = sentence.split()
    tags = tagger.tag(words)
    assert len(tags) == len(words)
    assert expected <= _ents(words, tags)


@needs_model
def test_tag_empty(tagger):
    assert tagger.tag([]) == []


@needs_model
def test_evaluate_ner_on_tiny_file(tmp_path, tagger):
    words = "وقال بوتين في موسكو .".split()
    gold = ["O", "B-PERS", "O", "B-LOC", "O"]
    f = tmp_path / "tiny.conll"
    f.write_text("\n".join(f"{w} {t}" for w, t in zip(words, gold)) + "\n\n", encoding="utf-8")
    res = evaluate_ner(None, f)
    assert res["sentences"] == 1 and res["tokens"] == 5
    assert res["micro"]["gold"] == 2
    assert set(res["per_type"]) <= {"PERS", "LOC", "ORG", "MISC"}
    assert ner_mod.main(["--data", str(f)]) == 0


# ---------------------------------------------------------------------------- missing model

def test_missing_model_raises(tmp_path):
    with pytest.raises(DataFileError, match="train_ner.py"):
        CrfTagger.load(tmp_path)
    with pytest.raises(DataFileError):
        evaluate_ner(tmp_path / "nowhere", tmp_path / "x.conll")


def test_missing_model_in_component(tmp_path):
    nlp = spacy.blank("ar")
    with pytest.raises(DataFileError):
        nlp.add_pipe("kg_ner", config={"model_dir": str(tmp_path)})


def test_unreadable_model(tmp_path):
    (tmp_path / ner_mod.MODEL_FILE).write_bytes(b"not a crf model")
    with pytest.raises(DataFileError):
        CrfTagger.load(tmp_path)


# ---------------------------------------------------------------------------- spaCy component

def _clitic_doc(nlp):
    Token.set_extension("clitic", default="", force=True)
    # "وبوتين زار الصين ." as the project tokenizer splits it: و|بوتين, ال|صين
    words = ["و", "بوتين", "زار", "ال", "صين", "."]
    spaces = [False, True, True, False, False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc[0]._.clitic = "prefix"
    doc[3]._.clitic = "article"
    return doc


def test_doc_words_rebuilds_anercorp_words():
    nlp = spacy.blank("ar")
    doc = _clitic_doc(nlp)
    assert doc_words(doc) == [("وبوتين", 0, 2), ("زار", 2, 3), ("الصين", 3, 5), (".", 5, 6)]
    doc2 = Doc(nlp.vocab, words=["قال", "،", "ثم", "ب", "باريس"], spaces=[False, True, True, False, False])
    assert [w for w, _, _ in doc_words(doc2)] == ["قال", "،", "ثم", "بباريس"]


def test_component_splits_unsegmented_doc_into_sentences():
    nlp = spacy.blank("ar")
    if not HAS_MODEL:
        pytest.skip("packaged NER model not trained")
    comp = ner_mod.NerComponent(nlp, "kg_ner", None)
    comp.tagger = _FakeTagger({"بوتين": "B-PERS", "موسكو": "B-LOC"})
    words = ["قال", "بوتين", ".", "زار", "موسكو", "!"]
    doc = comp(Doc(nlp.vocab, words=words, spaces=[True, False, True, True, False, False]))
    assert comp.tagger.seen == [["قال", "بوتين", "."], ["زار", "موسكو", "!"]]
    assert [(s.start, s.label_) for s in doc.spans["ner"]] == [(1, "PERS"), (4, "LOC")]


class _FakeTagger:
    """Tags by a fixed word → tag map, to test span mapping independently of the model."""

    def __init__(self, table):
        self.table = table
        self.seen = []

    def tag_sents(self, sentences):
        self.seen.extend(list(w) for w in sentences)
        return [[self.table.get(w, "O") for w in words] for words in sentences]


def test_component_drops_prefix_keeps_article(tmp_path):
    nlp = spacy.blank("ar")
    src = default_model_dir()
    if not HAS_MODEL:
        pytest.skip("packaged NER model not trained")
    comp = ner_mod.NerComponent(nlp, "kg_ner", src)
    comp.tagger = _FakeTagger({"وبوتين": "B-PERS", "الصين": "B-LOC"})
    doc = comp(_clitic_doc(nlp))
    assert comp.tagger.seen == [["وبوتين", "زار", "الصين", "."]]
    spans = [(s.start, s.end, s.label_, s.text) for s in doc.spans["ner"]]
    assert spans == [(1, 2, "PERS", "بوتين"), (3, 5, "LOC", "الصين")]


def test_component_without_clitic_extension(monkeypatch):
    nlp = spacy.blank("ar")
    if not HAS_MODEL:
        pytest.skip("packaged NER model not trained")
    if Token.has_extension("clitic"):
        Token.remove_extension("clitic")
    comp = ner_mod.NerComponent(nlp, "kg_ner", None)
    comp.tagger = _FakeTagger({"بوتين": "B-PERS"})
    doc = comp(Doc(nlp.vocab, words=["قال", "بوتين"], spaces=[True, False]))
    assert [(s.text, s.label_) for s in doc.spans["ner"]] == [("بوتين", "PERS")]


@needs_model
def test_component_end_to_end_with_real_model():
    nlp = spacy.blank("ar")
    nlp.add_pipe("kg_ner")  # default: packaged model
    Token.set_extension("clitic", default="", force=True)
    words = ["و", "قال", "الرئيس", "الروسي", "فلاديمير", "بوتين", "في", "موسكو", "."]
    spaces = [False, True, True, True, True, True, True, False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc[0]._.clitic = "prefix"
    doc = nlp(doc)
    got = {(s.text, s.label_) for s in doc.spans["ner"]}
    assert ("فلاديمير بوتين", "PERS") in got and ("موسكو", "LOC") in got
    assert set(s.label_ for s in doc.spans["ner"]) <= {"PERS", "LOC", "ORG", "MISC"}
    Token.remove_extension("clitic")
