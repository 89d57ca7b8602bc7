"""Feature extraction for the CRF named-entity tagger (``kg.entities.ner``).

The same code runs at training time (``pipelines/train_ner.py``) and at inference time
(``kg.entities.ner.CrfTagger``), so the two can never drift apart.  Input is a sentence as a
list of ANERcorp-like *words* (whitespace tokens, punctuation split off, clitics still attached);
output is one list of string features per word, the format ``pycrfsuite`` takes.

Lexical resources (gazetteer and a lexicon of entity labels learnt from the training data) are
stored with the model as a :class:`Lexicon`: a map from a short hash of a normalised word or
phrase to a few class letters.  Storing hashes keeps the corpus and gazetteer text out of the
repository while giving exactly the same look-ups.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------- normalisation

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_TRANS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_ARABIC = re.compile("[\u0621-\u064a]")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

CONJ = ("و", "ف")
PREP = ("ب", "ل", "ك")
MAX_PHRASE = 4  # longest gazetteer / lexicon phrase looked up, in words


def normalize(word: str) -> str:
    """Matching form: NFC, no diacritics or tatweel, one alef/yeh/teh-marbuta/hamza-seat, ASCII digits."""
    w = unicodedata.normalize("NFC", word)
    w = _DIACRITICS.sub("", w)
    return w.translate(_TRANS).translate(_ARABIC_DIGITS).lower()


def strip_proclitics(norm: str) -> tuple[str, str]:
    """Strip conjunction + preposition proclitics (keep the article). Returns (prefix, rest).

    Conservative: leaves at least 3 letters (2 when the rest starts with the article), and
    handles ``لل`` = ``ل`` + ``ال`` with its alef dropped.
    """
    prefix = ""
    rest = norm
    if len(rest) > 3 and rest[0] in CONJ:
        prefix, rest = rest[0], rest[1:]
    if len(rest) > 3 and rest.startswith("لل"):
        return prefix + "ل", "ا" + rest[1:]
    if len(rest) > 3 and rest[0] in PREP:
        prefix, rest = prefix + rest[0], rest[1:]
    return prefix, rest


def strip_article(norm: str) -> str:
    if len(norm) > 4 and norm.startswith("ال"):
        return norm[2:]
    return norm


def stem(norm: str) -> str:
    """Proclitics and article stripped."""
    return strip_article(strip_proclitics(norm)[1])


def shape(word: str) -> str:
    out = []
    for ch in word:
        if _ARABIC.match(ch):
            c = "a"
        elif _DIGIT.match(ch):
            c = "d"
        elif ch.isalpha():
            c = "X" if ch.isupper() else "x"
        elif ch in "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640":
            continue
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:6]


def is_punct(word: str) -> bool:
    return bool(word) and all(unicodedata.category(c)[0] in "PS" for c in word)


# ---------------------------------------------------------------------------- hashed lexicon

def hkey(text: str) -> str:
    """Short stable hash of a normalised word or space-joined phrase."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


@dataclass
class Lexicon:
    """Hashed look-up tables.

    ``gaz``: phrase hash -> letters of the gazetteer classes (``P``, ``L``, ``O``).
    ``lex``: word hash -> majority entity class learnt from training data with a confidence
    bucket, e.g. ``"LOC:9"`` (class, share of entity use in tenths).
    """

    gaz: dict[str, str] = field(default_factory=dict)
    lex: dict[str, str] = field(default_factory=dict)
    gaz_max: int = 1

    def to_json(self) -> dict:
        return {"gaz": dict(sorted(self.gaz.items())), "lex": dict(sorted(self.lex.items())), "gaz_max": self.gaz_max}

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        return cls(gaz=dict(data.get("gaz", {})), lex=dict(data.get("lex", {})), gaz_max=int(data.get("gaz_max", 1)))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


GAZ_CLASSES = {"Pers": "P", "Loc": "L", "Org": "O"}


def read_gazetteers(gaz_dir: str | Path) -> dict[str, str]:
    """ANERGazet lists -> {hash(normalised phrase): class letters}. Separator lines skipped."""
    out: dict[str, set[str]] = {}
    for name, letter in GAZ_CLASSES.items():
        path = Path(gaz_dir) / f"Aligned{name}Gazetteer.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.replace("\ufeff", "").strip()
            if not line or not _ARABIC.search(line):
                continue
            toks = [normalize(t) for t in line.split()]
            if len(toks) > MAX_PHRASE:
                continue
            for variant in {" ".join(toks), " ".join([strip_article(toks[0])] + toks[1:])}:
                out.setdefault(hkey(variant), set()).add(letter)
    return {k: "".join(sorted(v)) for k, v in out.items()}


def build_label_lexicon(sentences, *, min_count: int = 2) -> dict[str, str]:
    """From (words, tags) pairs: normalised word (key ``n:``) and proclitic-stripped word (key ``r:``)
    -> majority entity class + share of entity use in tenths."""
    counts: dict[str, dict[str, int]] = {}
    for words, tags in sentences:
        for w, t in zip(words, tags):
            if is_punct(w):
                continue
            n = normalize(w)
            lab = t[2:] if t != "O" else "O"
            for key in {"n:" + n, "r:" + strip_proclitics(n)[1]}:
                c = counts.setdefault(key, {})
                c[lab] = c.get(lab, 0) + 1
    out = {}
    for key, c in counts.items():
        n = sum(c.values())
        if n < min_count:
            continue
        ents = {k: v for k, v in c.items() if k != "O"}
        if not ents:
            out[hkey(key)] = "O:0"
            continue
        best = max(sorted(ents), key=lambda k: ents[k])
        share = int(10 * sum(ents.values()) / n)
        out[hkey(key)] = f"{best}:{min(share, 9)}"
    return out


# ---------------------------------------------------------------------------- features

def _word_info(word: str) -> dict[str, str]:
    n = normalize(word)
    pre, rest = strip_proclitics(n)
    st = strip_article(rest)
    return {"w": word, "n": n, "pre": pre, "rest": rest, "st": st, "al": "1" if rest != st else "0"}


def _gaz_tags(infos: list[dict[str, str]], gaz: dict[str, str], max_len: int) -> list[list[str]]:
    """BIO gazetteer tags per word from the longest phrase match starting at each word."""
    out: list[list[str]] = [[] for _ in infos]
    n = len(infos)
    for i in range(n):
        first_forms = {infos[i]["rest"], infos[i]["st"], infos[i]["n"]}
        for L in range(min(max_len, n - i), 0, -1):
            tail = [infos[j]["n"] for j in range(i + 1, i + L)]
            hit = ""
            for f in first_forms:
                v = gaz.get(hkey(" ".join([f] + tail)))
                if v:
                    hit = v
                    break
            if hit:
                for cls in hit:
                    out[i].append(f"B-{cls}" if L > 1 else f"U-{cls}")
                    for j in range(i + 1, i + L):
                        out[j].append(f"I-{cls}")
                break
    return out


def sent_features(words: list[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """Features for each word of one sentence. Deterministic, order-stable."""
    lexicon = lexicon or Lexicon()
    infos = [_word_info(w) for w in words]
    gaz = _gaz_tags(infos, lexicon.gaz, lexicon.gaz_max) if lexicon.gaz else [[] for _ in words]
    lex = [lexicon.lex.get(hkey("n:" + info["n"])) or lexicon.lex.get(hkey("r:" + info["rest"]), "") for info in infos]

    local: list[list[str]] = []
    for i, (w, info) in enumerate(zip(words, infos)):
        n, st = info["n"], info["st"]
        f = [
            "n=" + n,
            "st=" + st,
            "pre=" + info["pre"],
            "al=" + info["al"],
            "shape=" + shape(w),
            "len=" + str(min(len(st), 8)),
        ]
        if w != n:
            f.append("w=" + w)
        for k in (1, 2, 3, 4):
            if len(st) > k:
                f.append(f"p{k}=" + st[:k])
                f.append(f"s{k}=" + st[-k:])
        if len(n) > 2:
            f.append("np2=" + n[:2])
        if _DIGIT.search(w):
            f.append("digit")
        if _LATIN.search(w):
            f.append("latin")
        if is_punct(w):
            f.append("punct")
        for g in gaz[i]:
            f.append("gaz=" + g)
        if lex[i]:
            cls, share = lex[i].split(":")
            f.append("lex=" + cls)
            f.append("lexs=" + cls + share)
        local.append(f)

    feats: list[list[str]] = []
    N = len(words)
    for i in range(N):
        f = ["bias"] + local[i]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < N:
                inf = infos[j]
                f.append(f"{d}:n=" + inf["n"])
                f.append(f"{d}:st=" + inf["st"])
                if abs(d) == 1:
                    f.append(f"{d}:pre=" + inf["pre"])
                    f.append(f"{d}:s2=" + inf["st"][-2:])
                    for g in gaz[j]:
                        f.append(f"{d}:gaz=" + g)
                    if lex[j]:
                        f.append(f"{d}:lex=" + lex[j].split(":")[0])
                    if is_punct(words[j]):
                        f.append(f"{d}:punct")
            else:
                f.append(f"{d}:" + ("BOS" if j < 0 else "EOS"))
        if i > 0:
            f.append("bi-1=" + infos[i - 1]["st"] + "|" + infos[i]["st"])
        if i + 1 < N:
            f.append("bi+1=" + infos[i]["st"] + "|" + infos[i + 1]["st"])
        feats.append(f)
    return feats
