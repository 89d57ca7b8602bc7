"""Lexicon-aware clitic segmentation of Arabic words.

``segment_word(word, lexicon=None)`` splits a word into proclitics (و ف ب ل ك س), the article
(ال, and the elided article of لل = ل + ال), a stem, and one pronoun suffix (ه ها هم هما هن ك
كم كن نا ني ي).  Segments concatenate back to ``word`` exactly (diacritics and tatweel stay with
the segment they follow); each carries its matching form ``norm`` (the article's norm is always
``ال``; a stem that lost its teh marbuta before a suffix gets it back: زيارته → زيارت + ه with
stem norm ``زياره``).

How a split is chosen
---------------------
1. Exceptions (``kg/data/lexicons/clitic_exceptions.tsv``), keyed on the lightly normalised
   surface (diacritics removed, hamza and ى kept), so والي "governor" stays whole while وإلى
   is و + إلى.
2. Known whole words: single-word KB names (``kg/data/kb/*.jsonl``: label_ar, aliases_ar,
   short_ar) — بوتين, لافروف, كوريا, بكين … are never split, but وبوتين is و + بوتين.
3. Otherwise every analysis (prefix sequence × article × suffix) is scored with the stem's
   corpus frequency from :class:`Lexicon` (``kg/data/lexicons/words.txt``, built by
   ``pipelines/build_lexicon.py`` from ANERcorp train + NewsFANE's clitic-segmented text):
   ``log(1 + freq(stem)) - 1 × (number of clitic letters)``; the unsplit word scores
   ``log(1 + freq(word))``.  The article is free when what follows it is plausible.
4. Unknown stems: a leading و is split when ≥ 3 letters remain, ب/ك/ل/ف only before ال; a word
   written with hamza on the alef (ألمانيا، إلياس، ألكسندر) never has an article.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable

from kg.text.normalize import normalize, normalize_with_offsets

__all__ = ["Segment", "Lexicon", "segment_word", "light_normalize", "PREFIXES", "SUFFIXES"]

PREFIXES = ("و", "ف", "ب", "ل", "ك", "س")
# allowed proclitic sequences (conjunction, then preposition or future s-)
_PREFIX_SEQS = ("", "و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "وك", "وس", "فب", "فل", "فك", "فس")
SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ني", "ه", "ك", "ي")
_VERB_PREFIX = ("ي", "ت", "ن", "ا")
_MIN_COMMON = 20  # corpus frequency above which a stem counts as a common word
_AR_WORD = re.compile(r"^[\u0621-\u064a]+$")


@dataclass(frozen=True)
class Segment:
    text: str
    norm: str
    kind: str  # prefix | article | stem | suffix


_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200b-\u200f]")


def light_normalize(word: str) -> str:
    """Diacritics and tatweel removed; hamza forms and ى kept (for exception lookups)."""
    return _MARKS.sub("", word)


class Lexicon:
    """Known words and stems (matching form) with corpus frequencies, plus protected names.

    * ``freq[w]``: how often ``w`` occurs as a whole word / stem in the corpora;
    * ``names``: single-word KB names and other words never split (matching form);
    * ``exceptions``: light-normalised surface → fixed segmentation (``"و+إلى"``) or ``"="``.
    """

    def __init__(self, freq: dict[str, int] | None = None, names: Iterable[str] = (),
                 exceptions: dict[str, str] | None = None) -> None:
        self.freq: dict[str, int] = dict(freq or {})
        self.names: set[str] = set()
        self.exceptions: dict[str, str] = dict(exceptions or {})
        self.add_names(names)

    def __contains__(self, word: str) -> bool:
        return word in self.freq or word in self.names

    def __len__(self) -> int:
        return len(self.freq)

    def add_names(self, names: Iterable[str]) -> None:
        """Protect names: each single-word name (matching form) is never split.  Multi-word
        names protect their words that do not start with a bare article."""
        for name in names:
            if not name:
                continue
            toks = light_normalize(name).split()
            for t in toks:
                if len(toks) > 1 and t.startswith("ال"):
                    continue
                if t.startswith("ال") and len(toks) == 1:
                    # bare ال in the KB spelling: a real article (الجزائر, العراق): do not protect
                    continue
                n = normalize(t)
                if len(n) >= 2 and not (len(toks) > 1 and self._compositional(n)):
                    self.names.add(n)

    def _compositional(self, n: str) -> bool:
        """A word of a multi-word name that is itself clitic + common word (لروسيا in «الحزب
        الشيوعي لروسيا الاتحادية», وزيري in «وزيري الخارجية»): protecting it would stop the
        word being split everywhere else."""
        if len(n) < 5:
            return False  # short name words (بان، فام، لام) are names more often than clitic+word
        if n.startswith("لل"):
            return True
        whole = self.freq.get(n, 0)
        parts = []
        if n[0] in "وفبلك":
            parts.append(n[1:])
        for suf in ("ي", "ه", "ها"):
            if n.endswith(suf) and len(n) - len(suf) >= 3:
                parts.append(n[: -len(suf)])
        return any(self.freq.get(r, 0) >= _MIN_COMMON and self.freq.get(r, 0) > 5 * whole for r in parts)

    def count(self, word: str) -> int:
        return self.freq.get(word, 0) + (50 if word in self.names else 0)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        lex = cls()
        lex._read_words(Path(path).read_text(encoding="utf-8"))
        return lex

    def _read_words(self, text: str) -> None:
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            try:
                self.freq[parts[0]] = self.freq.get(parts[0], 0) + int(parts[1])
            except (IndexError, ValueError):
                continue

    def _read_exceptions(self, text: str) -> None:
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                key, spec = light_normalize(parts[0].strip()), parts[1].strip()
                self.exceptions[key] = spec
                if spec == "=":
                    self.names.add(normalize(key))  # also protected after a proclitic

    @classmethod
    def default(cls) -> "Lexicon":
        return _default_lexicon()


def _kb_names(kb_dir) -> list[str]:
    names: list[str] = []
    try:
        files = sorted(p for p in kb_dir.iterdir() if p.name.endswith(".jsonl"))
    except (FileNotFoundError, NotADirectoryError, OSError):
        return names
    for f in files:
        try:
            text = f.read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(obj, dict):
                continue
            for key in ("label_ar", "aliases_ar", "short_ar"):
                val = obj.get(key)
                if isinstance(val, str):
                    names.append(val)
                elif isinstance(val, list):
                    names.extend(x for x in val if isinstance(x, str))
    return names


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    lex = Lexicon()
    base = resources.files("kg").joinpath("data")
    lexdir = base.joinpath("lexicons")
    try:
        lex._read_words(lexdir.joinpath("words.txt").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError):
        pass
    try:
        lex._read_exceptions(lexdir.joinpath("clitic_exceptions.tsv").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError):
        pass
    try:
        lex.add_names(
            w for w in lexdir.joinpath("names.txt").read_text(encoding="utf-8").splitlines()
            if w and not w.startswith("#")
        )
    except (FileNotFoundError, OSError):
        pass
    lex.add_names(_kb_names(base.joinpath("kb")))
    return lex


# ----------------------------------------------------------------------------- analysis

_Analysis = tuple  # (prefix: str, article: str ("", "ال", "ل"), stem: str, suffix: str)


def _stem_evidence(stem: str, lex: Lexicon) -> int:
    return lex.count(stem) + lex.freq.get("ال" + stem, 0)


# cost of each clitic: the conjunctions and future s- are cheap, 1st-person -ي/-ني is
# expensive (it is mostly the construct ending of duals/plurals in news: وزيري الخارجية)
_PREFIX_COST = {"و": 0.6, "ف": 0.8, "س": 0.5, "ب": 1.0, "ل": 1.0, "ك": 1.2}
_SUFFIX_COST = {"ي": 3.5, "ني": 3.5, "ك": 2.0, "كم": 1.5, "كن": 2.0, "كما": 2.0}
_MIN_FREQ_SHORT_STEM = 100  # a 2-letter stem after a proclitic must be a frequent word (هو، قد، لم)


def _analyses(n: str, lex: Lexicon, hamza_initial: set[int], teh_final: bool = False) -> list[tuple[float, _Analysis]]:
    out: list[tuple[float, _Analysis]] = []
    whole = lex.count(n)
    out.append((math.log1p(whole) + (3.0 if n in lex.names else 0.0), ("", "", n, "")))
    if n in lex.names:
        return out
    for p in _PREFIX_SEQS:
        if not n.startswith(p):
            continue
        r = n[len(p):]
        if len(r) < 2:
            continue
        pen = sum(_PREFIX_COST[c] for c in p)
        if p.endswith("س") and not r.startswith(_VERB_PREFIX):
            continue
        if p and r in lex.names:
            out.append((math.log1p(lex.count(r)) + 3.0 - pen, (p, "", r, "")))
            continue
        # article
        if not p.endswith("س") and len(p) not in hamza_initial:
            if r.startswith("ال") and len(r) >= 4 and (not p.endswith("ل")):
                stem = r[2:]
                ev = _stem_evidence(stem, lex)
                score = math.log1p(ev) - pen + 0.5
                if lex.freq.get("ال" + r, 0) > 0:
                    score -= 4.0  # r itself takes an article (الالتزام): its ال is a root letter
                if ev == 0:
                    # بال/وال/فال/كال + unknown stem: still almost always clitic + article
                    score = (0.6 - 0.1 * len(p)) if len(stem) >= 3 else -2.0
                out.append((score, (p, "ال", stem, "")))
            if p.endswith("ل") and r.startswith("ل") and len(r) >= 3:
                stem = r[1:]
                ev = _stem_evidence(stem, lex)
                score = math.log1p(ev) - pen + 0.5
                if ev == 0:
                    score = 0.4 if len(stem) >= 3 else -2.0
                out.append((score, (p, "ل", stem, "")))
        # plain stem, with or without suffix
        for suf in ("",) + SUFFIXES:
            if suf and (not r.endswith(suf) or (teh_final and suf.endswith("ه"))):
                continue
            stem = r[: len(r) - len(suf)] if suf else r
            if len(stem) < (3 if suf in ("ي", "ك", "ه") else 2) or (not p and not suf):
                continue
            if len(stem) < 3 and lex.count(stem) < _MIN_FREQ_SHORT_STEM:
                continue
            ev = _stem_evidence(stem, lex)
            if suf and stem.endswith("ت"):
                ev = max(ev, _stem_evidence(stem[:-1] + "ه", lex))
            spen = pen + (_SUFFIX_COST.get(suf, 1.0) if suf else 0.0)
            if ev == 0:
                # unknown stem: only a leading و before ≥ 3 letters is split by default
                if p == "و" and not suf and len(stem) >= 3 and whole == 0:
                    out.append((0.3, (p, "", stem, "")))
                continue
            out.append((math.log1p(ev) - spen, (p, "", stem, suf)))
    return out


def _analyze(n: str, lex: Lexicon, hamza_initial: set[int], teh_final: bool = False) -> _Analysis:
    cands = _analyses(n, lex, hamza_initial, teh_final)
    # best score; ties → fewer clitics (earlier candidates are simpler)
    best = max(enumerate(cands), key=lambda t: (t[1][0], -t[0]))[1][1]
    return best


def _from_exception(spec: str, n: str) -> _Analysis | None:
    if spec == "=":
        return ("", "", n, "")
    parts = spec.split("+")
    # exception parts are written in surface form; map by lengths on the normalised word
    lens = [len(normalize(p)) for p in parts]
    if sum(lens) != len(n):
        return None
    return ("<exc>", lens)


def segment_word(word: str, lexicon: Lexicon | None = None) -> list[Segment]:
    """Segments of ``word`` (see module docstring); ``"".join(s.text) == word``."""
    if not word:
        return []
    lex = lexicon if lexicon is not None else Lexicon.default()
    norm, idx = normalize_with_offsets(word)
    if len(norm) < 3 or not _AR_WORD.match(norm):
        return [Segment(word, norm, "stem")]
    exc = lex.exceptions.get(light_normalize(word)) if lex.exceptions else None
    if exc is not None:
        res = _from_exception(exc, norm)
        if res is not None and res[0] == "<exc>":
            return _exception_segments(word, norm, idx, exc, res[1])
        if res is not None:
            return [Segment(word, norm, "stem")]
    # positions (in norm) right after each possible prefix where the surface has hamza-alef
    hamza_initial: set[int] = set()
    for k in range(0, min(3, len(norm))):
        if norm[k] == "ا" and word[idx[k]] in "أإآ":
            hamza_initial.add(k)
    teh_final = word[idx[len(norm) - 1]] in "ةۃ"
    p, art, stem, suf = _analyze(norm, lex, hamza_initial, teh_final)
    pieces: list[tuple[int, str, str]] = []  # (norm length, kind, norm)
    for ch in p:
        pieces.append((1, "prefix", ch))
    if art == "ال":
        pieces.append((2, "article", "ال"))
    elif art == "ل":
        pieces.append((1, "article", "ال"))
    stem_norm = stem
    if suf and stem.endswith("ت") and _stem_evidence(stem[:-1] + "ه", lex) >= _stem_evidence(stem, lex):
        stem_norm = stem[:-1] + "ه"
    pieces.append((len(stem), "stem", stem_norm))
    if suf:
        pieces.append((len(suf), "suffix", suf))
    return _cut(word, idx, pieces)


def _cut(word: str, idx: list[int], pieces: list[tuple[int, str, str]]) -> list[Segment]:
    segs = _cut_raw(word, idx, pieces)
    if all(s.text for s in segs):
        return segs
    # a boundary fell inside one character that normalises to several (ﷲ → الله, ﻻ → لا):
    # the surface cannot be split there, so the word stays whole (an empty token crashes spaCy)
    return [Segment(word, normalize(word), "stem")]


def _cut_raw(word: str, idx: list[int], pieces: list[tuple[int, str, str]]) -> list[Segment]:
    out = []
    pos = 0  # norm position
    start = 0
    for k, (ln, kind, nrm) in enumerate(pieces):
        pos += ln
        end = idx[pos] if k < len(pieces) - 1 else len(word)
        out.append(Segment(word[start:end], nrm, kind))
        start = end
    return out


def _exception_segments(word, norm, idx, spec, lens) -> list[Segment]:
    parts = spec.split("+")
    # kinds: parts before the stem are prefixes/article; the longest part is the stem
    stem_i = max(range(len(parts)), key=lambda i: lens[i])
    pieces = []
    pos = 0
    for i, (p, ln) in enumerate(zip(parts, lens)):
        nrm = norm[pos:pos + ln]
        if i < stem_i:
            kind = "article" if nrm == "ال" or (nrm == "ل" and i > 0 and parts[i - 1] in ("ل", "ول", "فل")) else "prefix"
            if kind == "article":
                nrm = "ال"
        elif i == stem_i:
            kind = "stem"
        else:
            kind = "suffix"
        pieces.append((ln, kind, nrm))
        pos += ln
    return _cut(word, idx, pieces)
