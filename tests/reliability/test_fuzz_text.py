"""Property-based fuzzing of the text layer (``kg.text.*``): hostile Unicode never crashes it
and every offset it returns points inside the document.

Examples per property: ``_profiles.TEXT`` (2,000 in CI, 20,000 with ``HYPOTHESIS_PROFILE=nightly``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from kg.errors import InputError
from kg.text.clitics import segment_word
from kg.text.dates import document_date, find_dates
from kg.text.normalize import normalize, normalize_with_offsets
from kg.text.read import decode_bytes, html_to_text, looks_like_html, read_path
from kg.text.segment import split_paragraphs, split_sentences
from tests.reliability._profiles import TEXT
from tests.reliability._strategies import BIDI, any_html, arabic_text, hostile_text, long_token

@TEXT
@given(hostile_text)
@example("ا\u0654\u064e\u0654")
@example("\ufdfa\ufdfb\ufefb")  # ligatures that expand to several characters
@example("")
def test_normalize_offsets_point_inside_original(text):
    norm, idx = normalize_with_offsets(text)
    assert normalize(text) == norm
    assert len(idx) == len(norm) + 1 and idx[-1] == len(text)
    assert all(0 <= i < len(text) for i in idx[:-1])
    assert idx == sorted(idx), "offset map must be non-decreasing"
    assert not any(c in norm for c in BIDI), "bidi / zero-width controls survive normalisation"


@TEXT
@given(hostile_text)
@example("«" + "ا." * 300 + "»")
@example("\n".join(["سطر طويل " * 8] * 5))
def test_sentences_inside_document_and_ordered(text):
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        prev = e
    prev = 0
    for s, e in split_paragraphs(text):
        assert prev <= s < e <= len(text)
        prev = e


@pytest.fixture(scope="module")
def tokenizer():
    import spacy

    from kg.text.tokenizer import ArabicTokenizer

    return ArabicTokenizer(spacy.blank("ar").vocab)


def test_tokenizer_round_trips(tokenizer):
    @TEXT
    @given(hostile_text)
    @example("\u200fو\u0640ب\u064eالرئيس  \n\t١٢٣")
    @example("ﷲء")  # a clitic boundary inside a ligature made an empty token (spaCy E031)
    @example("وﷲ ﻟﻼﺗﺤﺎﺩ ﻻﻋﺐ")
    def prop(text):
        doc = tokenizer(text)
        assert doc.text == text
        prev_end = 0
        for tok in doc:
            assert prev_end <= tok.idx and tok.idx + len(tok.text) <= len(text)
            assert text[tok.idx:tok.idx + len(tok.text)] == tok.text
            assert tok._.clitic in ("", "prefix", "article", "suffix")
            prev_end = tok.idx + len(tok.text)

    prop()


@TEXT
@given(st.one_of(st.text(min_size=1, max_size=40), st.text(st.sampled_from("والبكفسلتهاني\u064e\u0640\u0654أإآىة"), min_size=1, max_size=30), long_token))
@example("ﷲء")
def test_clitic_segments_concatenate(word):
    segs = segment_word(word)
    assert "".join(s.text for s in segs) == word
    assert all(s.text for s in segs), "empty segment"
    assert all(s.kind in ("prefix", "article", "stem", "suffix") for s in segs)


@TEXT
@given(hostile_text, st.one_of(st.none(), st.sampled_from(["2024-06-19", "2024-02", "2024", "0001-01-01", "9999-12-31",
                                                             "2024-13-40", "abc", "2024-02-30", "0000"])))
@example("في 29 شباط 2023 و31/4/2024 و 0/0/0 و ٣٠ فبراير ١٤٤٥ هـ", "2024-02")
@example("قبل 99999999 يوما وبعد 99999 سنة منذ 1000000 أسبوع", "0001-01-01")
@example("الأحد الماضي أمس غدا الشهر المقبل العام الماضي", "9999-12-31")
def test_dates_inside_document(text, anchor):
    for d in find_dates(text, anchor=anchor):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert d.precision in ("day", "week", "month", "year")
    iso, src = document_date(text)
    assert (iso is None) == (src is None)


@TEXT
@given(st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=300).map(lambda b: b"\xef\xbb\xbf" + b),
    st.binary(max_size=300).map(lambda b: b"\xff\xfe" + b),
    st.binary(max_size=300).map(lambda b: b"\xfe\xff" + b),
    arabic_text.map(lambda t: t.encode("utf-8")[:-1]),  # truncated UTF-8
    arabic_text.map(lambda t: t.encode("utf-16-le")),
    arabic_text.map(lambda t: t.encode("utf-16-be")),
    arabic_text.map(lambda t: t.encode("cp1256", "ignore")),
))
def test_decode_bytes_never_crashes(data):
    try:
        text, enc = decode_bytes(data)
    except InputError as err:
        assert err.reason
        return
    assert isinstance(text, str) and isinstance(enc, str) and enc


@TEXT
@given(any_html)
@example("<div>" * 20000 + "نص" + "</div>" * 20000)
@example("<table>" * 5000 + "<td>نص")
@example("<html><body><script>alert(1)</script><style>p{}</style></body></html>")
@example("<html><body><p>\x00\ud7ff\ufffe</p>")
def test_html_to_text_never_crashes(html):
    text, title = html_to_text(html)
    assert isinstance(text, str)
    assert title is None or isinstance(title, str)
    assert "<script" not in text.lower() or "<script" in html.lower()
    looks_like_html(html)


@TEXT
@given(st.sampled_from([".txt", ".html", ".jsonl", ".htm"]), st.one_of(
    st.binary(max_size=200),
    hostile_text.map(lambda t: t.encode("utf-8")),
    any_html.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.one_of(hostile_text.map(lambda t: '{"text": %s}' % __import__("json").dumps(t)), st.text(max_size=30)),
             max_size=5).map(lambda ls: "\n".join(ls).encode("utf-8")),
))
def test_read_path_raises_only_input_error(suffix, data):
    fd, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            docs = read_path(name)
        except InputError as err:
            assert err.reason and err.path == name
            return
        for d in docs:
            assert isinstance(d.text, str) and d.text.strip()
            assert "\r" not in d.text
    finally:
        Path(name).unlink()
