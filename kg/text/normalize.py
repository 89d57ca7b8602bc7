"""Matching normalisation of Arabic text, with an offset map back into the original.

``normalize(text)`` gives the *matching form* used by every lookup (gazetteer, KB, lexicon,
dates).  It is not meant for display.  What it does, character by character:

* NFKC per character: Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF), fullwidth
  forms, ligatures such as ﻻ → لا, NBSP → space;
* removes diacritics (tashkeel U+064B–U+065F, superscript alef U+0670, Quranic annotation marks
  U+0610–U+061A, U+06D6–U+06ED, extended marks U+08D3–U+08FF), tatweel U+0640, and the bidi
  / zero-width controls (ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, embeddings, isolates, BOM, soft hyphen);
* a combining hamza (U+0654/U+0655) is composed with the preceding letter first (و + ٔ → ؤ,
  ي + ٔ → ئ, ا + ٔ → أ …) so decomposed input normalises like precomposed input;
* folds hamza-on-alef variants أ إ آ ٱ ٲ ٳ → ا, alef maksura ى → ي, teh marbuta ة → ه,
  Persian/Urdu yeh ی ې → ي and keheh ک → ك;
* Arabic-Indic ٠–٩ and Persian ۰–۹ digits → ASCII; ، ؛ ؟ → , ; ?; ٫ (decimal) → . ; ٬ → , ; ٪ → %.

Decision on ؤ and ئ: they are **kept** (not folded to و / ي).  Folding them merges real name
pairs (لؤي / لوي, هيئة / هيه) and gains little: press variation is mostly ؤ ↔ ئ (مسؤول /
مسئول), which a fold to و / ي would not reconcile anyway.  Standalone hamza ء is kept too.

Equivalent functions exist in CAMeL Tools (``camel_tools.utils.dediac.dediac_ar``,
``camel_tools.utils.normalize.normalize_alef_ar``, ``normalize_alef_maksura_ar``,
``normalize_teh_marbuta_ar``, ``camel_tools.utils.charmap``).  We do not import them in the core:
installing ``camel-tools`` pulls in torch/transformers (hundreds of MB) for what is a
character table here, and they do not return an offset map, which every stage needs to point
back into the original document.  ``camel-tools`` stays an optional extra (``rawabit[camel]``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "normalize_with_offsets", "normalize_char", "is_arabic_letter"]

_REMOVE_RANGES = (
    (0x0610, 0x061A),  # Quranic honorifics / small letters
    (0x064B, 0x065F),  # tashkeel (harakat, tanwin, shadda, sukun, maddah/hamza marks …)
    (0x0670, 0x0670),  # superscript (dagger) alef
    (0x06D6, 0x06DC),  # Quranic annotation marks
    (0x06DF, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),  # extended Arabic marks
    (0x08E3, 0x08FF),
    (0x0640, 0x0640),  # tatweel
    (0x200B, 0x200F),  # ZWSP ZWNJ ZWJ LRM RLM
    (0x202A, 0x202E),  # bidi embeddings / overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0x061C, 0x061C),  # Arabic letter mark
    (0xFEFF, 0xFEFF),  # BOM / ZWNBSP
    (0x00AD, 0x00AD),  # soft hyphen
)

_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
    "ة": "ه", "ۃ": "ه",
    "ک": "ك", "ڪ": "ك",
    "،": ",", "؛": ";", "؟": "?", "٫": ".", "٬": ",", "٪": "%", "۔": ".",
}
for _i in range(10):
    _FOLD[chr(0x0660 + _i)] = str(_i)
    _FOLD[chr(0x06F0 + _i)] = str(_i)

# combining hamza above / below + base letter → precomposed letter (before folding)
_COMPOSE = {
    ("ا", "\u0654"): "أ", ("ا", "\u0655"): "إ", ("و", "\u0654"): "ؤ",
    ("ي", "\u0654"): "ئ", ("ى", "\u0654"): "ئ", ("ه", "\u0654"): "ۀ",
}
_HAMZA_MARKS = "\u0654\u0655"


def _removed(cp: int) -> bool:
    for lo, hi in _REMOVE_RANGES:
        if lo <= cp <= hi:
            return True
    return False


def normalize_char(ch: str) -> str:
    """Matching form of one character (possibly empty or several characters)."""
    cp = ord(ch)
    if _removed(cp):
        return ""
    if ch in _FOLD:
        return _FOLD[ch]
    if cp < 0x80:
        return ch
    k = unicodedata.normalize("NFKC", ch)
    if k == ch:
        return ch
    out = []
    for c in k:
        if _removed(ord(c)):
            continue
        out.append(_FOLD.get(c, c))
    return "".join(out)


class _Table(dict):
    """Lazy translation table for ``str.translate``: computed on first use of a code point."""

    def __missing__(self, cp: int) -> str:
        v = normalize_char(chr(cp))
        self[cp] = v
        return v


_TABLE = _Table()


def normalize(text: str) -> str:
    """Matching form of ``text`` (see module docstring)."""
    if "\u0654" in text or "\u0655" in text:
        return normalize_with_offsets(text)[0]
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Return ``(norm, index_map)``: ``index_map[i]`` is the offset in ``text`` of the character
    that produced ``norm[i]``; a final entry ``len(text)`` is appended, so
    ``index_map[len(norm)] == len(text)`` and a norm span ``[a, b)`` maps to the original
    span ``[index_map[a], index_map[b-1] + 1)`` (or ``index_map[b]`` to include trailing marks)."""
    table = _TABLE
    if "\u0654" not in text and "\u0655" not in text:
        # fast path: only characters that vanish or expand need bookkeeping
        special = [c for c in set(text) if len(table[ord(c)]) != 1]
        norm = text.translate(table)
        if not special:
            return norm, list(range(len(text) + 1))
        rx = _special_re(frozenset(special))
        idx = []
        pos = 0
        for m in rx.finditer(text):
            i = m.start()
            idx.extend(range(pos, i))
            v = table[ord(text[i])]
            if v:
                idx.extend([i] * len(v))
            pos = i + 1
        idx.extend(range(pos, len(text)))
        idx.append(len(text))
        return norm, idx
    out: list[str] = []
    idx = []
    prev_base = ""  # last raw base character (before folding), for hamza composition
    for i, ch in enumerate(text):
        if ch in _HAMZA_MARKS and prev_base and out:
            comp = _COMPOSE.get((prev_base, ch))
            if comp is not None:
                out[-1] = normalize_char(comp)
                prev_base = comp
                continue
        v = table[ord(ch)]
        if not v:
            continue  # removed char: prev_base unchanged, so base + harakat + hamza still composes
        if len(v) == 1:
            out.append(v)
            idx.append(i)
        else:
            for c in v:
                out.append(c)
                idx.append(i)
        prev_base = ch
    idx.append(len(text))
    return "".join(out), idx


_SPECIAL_CACHE: dict[frozenset, "re.Pattern"] = {}


def _special_re(chars: frozenset):
    rx = _SPECIAL_CACHE.get(chars)
    if rx is None:
        if len(_SPECIAL_CACHE) > 512:
            _SPECIAL_CACHE.clear()
        rx = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        _SPECIAL_CACHE[chars] = rx
    return rx


def is_arabic_letter(ch: str) -> bool:
    cp = ord(ch)
    return (0x0621 <= cp <= 0x064A) or (0x0671 <= cp <= 0x06D3) or (0x06FA <= cp <= 0x06FC) or (
        0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFC
    )
