from __future__ import annotations

from hypothesis import given, settings, strategies as st

from kg.text.normalize import normalize, normalize_with_offsets


def test_letters_and_marks():
    assert normalize("أَحْمَدُ") == "احمد"
    assert normalize("إلى آذار ٱلله") == "الي اذار الله"
    assert normalize("مدرسة مستشفى") == "مدرسه مستشفي"
    assert normalize("هٰذا") == "هذا"  # superscript alef
    assert normalize("الرئيـــــس") == "الرئيس"  # tatweel
    assert normalize("مسؤول رئيس") == "مسؤول رئيس"  # ؤ / ئ kept
    assert normalize("ﻻ ﷲ") == "لا الله"  # presentation forms
    assert normalize("\u200fبوتين\u200e\u200c") == "بوتين"  # bidi / zero-width
    assert normalize("ی ک") == "ي ك"  # Persian yeh / keheh


def test_digits_and_punctuation():
    assert normalize("٢٠٢٤-٠٤-١٣ ۱۴۰۲") == "2024-04-13 1402"
    assert normalize("نعم، لا؛ هل؟") == "نعم, لا; هل?"
    assert normalize("٣٫٥٪") == "3.5%"


def test_combining_hamza_composes():
    assert normalize("و\u0654") == normalize("ؤ") == "ؤ"
    assert normalize("ي\u0654") == "ئ"
    assert normalize("ا\u0654حمد") == "احمد"


def test_offsets_simple():
    text = "وَبِالرَّئِيسِ ٢٠"
    norm, idx = normalize_with_offsets(text)
    assert norm == "وبالرئيس 20"
    assert len(idx) == len(norm) + 1 and idx[-1] == len(text)
    for i, c in enumerate(norm):
        assert normalize(text[idx[i]]) .startswith(c) or c in normalize(text[idx[i]])


ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MIXED = st.one_of(
    ARABIC,
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
    st.sampled_from(list(" \n\t.,؟،؛«»“”\"'0123456789abcXYZ\u200c\u200d\u200e\u200f\u0640\u0654\u0655\u00a0")),
    st.characters(),
)


@settings(max_examples=400, deadline=None)
@given(st.text(MIXED, max_size=60))
def test_offset_map_property(text):
    norm, idx = normalize_with_offsets(text)
    assert norm == normalize(text)
    assert len(idx) == len(norm) + 1
    assert idx[-1] == len(text)
    assert all(0 <= i < len(text) for i in idx[:-1])
    assert idx == sorted(idx)  # monotone
    # each norm char comes from its source char (alone, or composed with a combining hamza)
    for i, c in enumerate(norm):
        src = text[idx[i]]
        assert c in normalize(src) or c in ("أإؤئۀ" + normalize("أإؤئ"))


@settings(max_examples=200, deadline=None)
@given(st.text(MIXED, max_size=40))
def test_idempotent(text):
    n = normalize(text)
    assert normalize(n) == n
