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
from functools import lru_cache
from pathlib import Path

from kg.errors import DataFileError

# ---------------------------------------------------------------------------- normalisation

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_TRANS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_ARABIC = re.compile("[\u0621-\u064a]")
_LATIN = re.compile("[A-Za-z]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

CONJ = ("و", "ف")
PREP = ("ب", "ل", "ك")
MAX_PHRASE = 5  # longest gazetteer / lexicon phrase looked up, in words


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


_PROCLITIC_SEQS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")


def split_candidates(norm: str) -> list[tuple[str, str]]:
    """Every (proclitics, rest) reading of a normalised word, the unsplit one first."""
    out = [("", norm)]
    for pre in _PROCLITIC_SEQS:
        if not norm.startswith(pre):
            continue
        rest = norm[len(pre):]
        if pre.endswith("ل") and rest.startswith("ل") and len(rest) >= 3:
            out.append((pre, "ا" + rest))  # لل = ل + ال
        elif len(rest) >= 3 or (len(rest) >= 2 and pre[-1] in PREP):
            out.append((pre, rest))
    return out


def segment(norm: str, freq: dict[str, int] | None = None) -> tuple[str, str]:
    """Split conjunction/preposition proclitics off a normalised word, using word frequencies.

    Picks the reading whose rest is the most frequent known word (``freq`` maps :func:`hkey` of a
    normalised word to its count); the unsplit word wins ties.  When no reading is known: strip
    proclitics before the article (``وبالعراق``), or a lone ``و`` before a long unknown word
    (``وكوناري``); otherwise leave the word alone (``فلاديمير``, ``بوتين``).
    """
    if not freq:
        return strip_proclitics(norm)
    cands = split_candidates(norm)
    best, best_n = cands[0], freq.get(hkey(norm), 0)
    for c in cands[1:]:
        n = freq.get(hkey(c[1]), 0)
        if n > best_n:
            best, best_n = c, n
    if best_n:
        return best
    for pre, rest in sorted(cands[1:], key=lambda c: -len(c[0])):
        if rest.startswith("ال") and len(rest) >= 4:
            return pre, rest
    if norm.startswith("و") and len(norm) >= 5 and _ARABIC.match(norm[1]):
        return "و", norm[1:]
    return cands[0]


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


@lru_cache(maxsize=1 << 16)
def is_punct(word: str) -> bool:
    return bool(word) and all(unicodedata.category(c)[0] in "PS" for c in word)


# ---------------------------------------------------------------------------- hashed lexicon

@lru_cache(maxsize=1 << 18)
def hkey(text: str) -> str:
    """Short stable hash of a normalised word or space-joined phrase (memoised: news repeats its words)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


@dataclass
class Lexicon:
    """Hashed look-up tables.

    ``gaz``: phrase hash -> letters of the gazetteer classes (``P``, ``L``, ``O``).
    ``lex``: word hash -> majority entity class learnt from training data with a confidence
    bucket, e.g. ``"LOC:9"`` (class, share of entity use in tenths).
    ``freq``: word hash -> frequency of the normalised word (training text + gazetteer words),
    used by :func:`segment` to decide whether a leading letter is a proclitic.

    The phrase tables also hold each phrase's proper word prefixes (empty letters), which
    :func:`_gaz_tags` relies on; a lexicon file written before they existed (no ``"prefixes"``
    mark) is refused with a message to retrain rather than silently missing multi-word names.
    """

    gaz: dict[str, str] = field(default_factory=dict)
    lex: dict[str, str] = field(default_factory=dict)
    gaz_max: int = 1
    freq: dict[str, int] = field(default_factory=dict)

    _infos: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def word_info(self, word: str) -> dict[str, str]:
        """Per-word features that do not depend on the context, computed once per word form."""
        info = self._infos.get(word)
        if info is None:
            if len(self._infos) > 200_000:
                self._infos.clear()
            info = self._infos[word] = _word_info(word, self.freq)
        return info

    def to_json(self) -> dict:
        return {
            "gaz": dict(sorted(self.gaz.items())),
            "lex": dict(sorted(self.lex.items())),
            "freq": dict(sorted(self.freq.items())),
            "gaz_max": self.gaz_max,
            "prefixes": True,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        if (data.get("gaz") or data.get("lex")) and not data.get("prefixes"):
            raise ValueError("NER lexicon without phrase prefixes (written by an older trainer)")
        return cls(
            gaz=dict(data.get("gaz", {})),
            lex=dict(data.get("lex", {})),
            gaz_max=int(data.get("gaz_max", 1)),
            freq={k: int(v) for k, v in data.get("freq", {}).items()},
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "Lexicon":
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except ValueError as exc:  # JSONDecodeError is a ValueError too
            raise DataFileError(f"NER lexicon unusable: {path} ({exc}); retrain with `python pipelines/train_ner.py`") from exc


GAZ_CLASSES = {"Pers": "P", "Loc": "L", "Org": "O"}


def gaz_key(tokens: list[str], prefix: str = "") -> str:
    """Canonical gazetteer key of normalised tokens: every token without its article."""
    return hkey(prefix + " ".join(strip_article(t) for t in tokens))


def _iob_chunks(tags: list[str]) -> list[tuple[int, int, str]]:
    out, start, typ = [], None, None
    for i, t in enumerate(list(tags) + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if typ is not None:
                out.append((start, i, typ))
            start, typ = (i, t[2:]) if t != "O" else (None, None)
    return out


def _add_phrase(out: dict[str, set[str]], phrase: str, letter: str) -> None:
    toks = [normalize(t) for t in phrase.replace("_", " ").replace("\u200e", "").replace("\u200f", "").split()]
    toks = [t for t in toks if t]
    if not toks or len(toks) > MAX_PHRASE or any(len(t) < 2 for t in toks) or not _ARABIC.search(toks[0]):
        return
    out.setdefault(gaz_key(toks), set()).add(letter)
    _add_prefixes(out, toks)


def _add_prefixes(out: dict[str, set[str]], toks: list[str], prefix: str = "") -> None:
    """Mark every proper word prefix of a phrase (empty class set unless it is a phrase itself), so
    that a look-up can stop extending a phrase as soon as no entry starts with it."""
    for k in range(1, len(toks)):
        out.setdefault(gaz_key(toks[:k], prefix), set())


def read_gazetteers(gaz_dir: str | Path, kb_dir: str | Path | None = None,
                    project_kb: str | Path | None = None) -> dict[str, str]:
    """Gazetteers -> {canonical phrase hash: class letters}.

    ANERGazet (``gaz_dir``): P person-name parts, L places, O organisations (separator lines skipped).
    With ``kb_dir`` (``shared/data/kb-sources``) also: L country names and aliases, N nationality
    adjectives (nisba), O international organisations and Arabic party names, A PETRARCH actor
    headwords (people and bodies, type unknown).
    """
    import csv

    out: dict[str, set[str]] = {}
    for name, letter in GAZ_CLASSES.items():
        path = Path(gaz_dir) / f"Aligned{name}Gazetteer.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.replace("\ufeff", "").strip()
            if line and _ARABIC.search(line):
                _add_phrase(out, line, letter)
    if kb_dir is not None:
        kb = Path(kb_dir)
        with open(kb / "derived" / "countries_ar_joined.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col in ("ar_un_short", "ar_un_formal", "ar_official_name", "ar_cldr", "ar_wikidata_label"):
                    if row.get(col):
                        _add_phrase(out, row[col], "L")
                for alias in (row.get("ar_wikidata_aliases") or "").split("|"):
                    if alias.strip():
                        _add_phrase(out, alias, "L")
                for col in ("demonym_ar_m", "demonym_ar_f", "demonym_ar_m_pl", "demonym_ar_f_pl",
                            "demonym_ar_def_m", "demonym_ar_def_f", "nationality_ar_3neef"):
                    if row.get(col):
                        _add_phrase(out, row[col], "N")
        with open(kb / "derived" / "igos_ar_qid.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row.get("name_ar"):
                    _add_phrase(out, row["name_ar"], "O")
        with open(kb / "parties" / "partyfacts_wikidata.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row.get("name_native") or ""
                if _ARABIC.search(name) and not re.search("[\u067e\u0686\u06a9\u06af\u06cc\u06bc\u0681]", name):
                    _add_phrase(out, name, "O")  # Arabic (not Persian/Pashto) script names only
        for line in (kb / "petrarch-arabic" / "actor_dict_ar_v4.txt").read_text(encoding="utf-8").splitlines():
            if not line.strip() or line[0] in "\t#[" or line.lstrip().startswith("["):
                continue
            head = line.split("[")[0].strip()
            if head:
                _add_phrase(out, head, "A")
    if project_kb is not None:
        # Rawabit's own KB (kg/data/kb): leaders, parties, organisations, states and places with their
        # press spellings — the names the tagger most needs to find in news
        letters = {"PERSON": "P", "ORG": "O", "PARTY": "O", "STATE": "L", "PLACE": "L"}
        for path in sorted(Path(project_kb).glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                rec = json.loads(line)
                letter = letters.get(rec.get("type", ""))
                if letter:
                    for name in [rec.get("label_ar") or "", *(rec.get("aliases_ar") or [])]:
                        if name:
                            _add_phrase(out, name, letter)
    return {k: "".join(sorted(v)) for k, v in sorted(out.items())}


def build_freq(word_lists, gaz_dir: str | Path | None = None, cap: int = 999) -> dict[str, int]:
    """Frequency lexicon: hash of normalised word -> count (capped), from texts and gazetteer lines."""
    counts: dict[str, int] = {}
    for words in word_lists:
        for w in words:
            if not is_punct(w):
                n = normalize(w)
                counts[n] = counts.get(n, 0) + 1
    if gaz_dir is not None:
        for name in GAZ_CLASSES:
            for line in (Path(gaz_dir) / f"Aligned{name}Gazetteer.txt").read_text(encoding="utf-8").splitlines():
                for t in line.replace("\ufeff", "").split():
                    if _ARABIC.search(t):
                        n = normalize(t)
                        counts[n] = counts.get(n, 0) + 1
    return {hkey(k): min(v, cap) for k, v in sorted(counts.items())}


def build_label_lexicon(sentences, *, min_count: int = 2, freq: dict[str, int] | None = None) -> dict[str, str]:
    """From (words, tags) pairs: normalised word (key ``n:``) and proclitic-stripped word (key ``r:``)
    -> majority entity class + share of entity use in tenths; and multi-word entity phrases (key
    :func:`gaz_key` with prefix ``p:``) -> initials of their types (``P``, ``L``, ``O``, ``M``)."""
    counts: dict[str, dict[str, int]] = {}
    for words, tags in sentences:
        for w, t in zip(words, tags):
            if is_punct(w):
                continue
            n = normalize(w)
            lab = t[2:] if t != "O" else "O"
            for key in {"n:" + n, "r:" + segment(n, freq)[1]}:
                c = counts.setdefault(key, {})
                c[lab] = c.get(lab, 0) + 1
    phrases: dict[str, set[str]] = {}
    for words, tags in sentences:
        for a, b, typ in _iob_chunks(tags):
            if 2 <= b - a <= MAX_PHRASE:
                toks = [normalize(w) for w in words[a:b]]
                toks[0] = segment(toks[0], freq)[1]
                phrases.setdefault(gaz_key(toks, "p:"), set()).add(typ[0])
                _add_prefixes(phrases, toks, "p:")
    out = {k: "".join(sorted(v)) for k, v in phrases.items()}
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


# ---------------------------------------------------------------------------- trigger words

# Hand-written cue words (titles, organisation and place heads), written for this project; matched on
# the normalised word without conjunction/preposition proclitics.
_TRIGGERS_RAW = {
    "P": "الرئيس رئيس الرئيسة رئيسة الملك الملكة الأمير الأميرة الشيخ الشيخة السيد السيدة الدكتور الدكتورة "
         "الوزير وزير الوزيرة وزيرة النائب اللاعب لاعب المدرب مدرب الفنان الفنانة المخرج الكاتب الكاتبة الشاعر "
         "الممثل الممثلة المطرب المطربة المغني المغنية الحارس المهاجم المدافع الزعيم القائد العقيد اللواء الجنرال "
         "العميد الرائد المستشار المستشارة الأمين السفير المتحدث الناطق البابا الإمام المرشد الأستاذ المهندس "
         "المحامي القاضي النجم نجم الروائي الصحفي الكابتن السلطان نظيره نظيرها المفوض المبعوث الموفد قال وقال "
         "أكد وأكد أضاف وأضاف أعلن صرح الحاكم المحافظ العاهل الجنرال البروفيسور المطران الحاخام آية",
    "O": "حزب الحزب حركة منظمة جمعية اتحاد الاتحاد مجلس وزارة شركة بنك مصرف جامعة وكالة صحيفة مجلة قناة نادي "
         "فريق منتخب هيئة مؤسسة لجنة جبهة جيش مركز معهد برلمان محكمة مجموعة تلفزيون إذاعة صندوق المنظمة "
         "الجمعية المجلس الوزارة الشركة البنك الجامعة الوكالة الصحيفة القناة النادي الفريق المنتخب الهيئة "
         "المؤسسة اللجنة الجبهة الجيش المركز المعهد البرلمان المحكمة مجموعة الأمم",
    "L": "مدينة المدينة العاصمة عاصمة محافظة ولاية منطقة المنطقة قرية إقليم الإقليم بلدة جزيرة نهر جبل بحر "
         "مقاطعة شمال جنوب شرق غرب شمالي جنوبي شرقي غربي مخيم حي شارع ميناء مطار دولة بلاد قطاع الضفة",
}


def _norm_triggers() -> dict[str, str]:
    out: dict[str, str] = {}
    for cls, words in _TRIGGERS_RAW.items():
        for w in words.split():
            n = normalize(w)
            out[n] = "".join(sorted(set(out.get(n, "")) | {cls}))
    return out


TRIGGERS = _norm_triggers()


# ---------------------------------------------------------------------------- features

def _word_info(word: str, freq: dict[str, int] | None) -> dict[str, str]:
    n = normalize(word)
    pre, rest = segment(n, freq)
    st = strip_article(rest)
    return {"w": word, "n": n, "pre": pre, "rest": rest, "st": st, "al": "1" if rest != st else "0",
            "rest_st": st, "n_st": strip_article(n)}


def _gaz_tags(infos: list[dict[str, str]], gaz: dict[str, str], max_len: int, prefix: str = "",
              min_len: int = 1) -> list[list[str]]:
    """BIO gazetteer tags per word from the longest phrase match starting at each word.

    Same keys as :func:`gaz_key` (every token without its article), built incrementally from the
    words' stripped forms.  The table holds every proper prefix of its phrases (with no classes, see
    :func:`_add_prefixes`), so a phrase is extended word by word only while some entry starts with
    it: most words cost one look-up per first form instead of one per phrase length.
    """
    out: list[list[str]] = [[] for _ in infos]
    n = len(infos)
    get = gaz.get
    starts_key = "g1" + prefix
    # the forms of each word that begin some entry, kept with the word (most words begin none)
    all_starts = []
    for info in infos:
        starts = info.get(starts_key)
        if starts is None or starts[0] is not gaz:
            firsts = (info["rest_st"], info["n_st"]) if info["rest_st"] != info["n_st"] else (info["rest_st"],)
            starts = info[starts_key] = (gaz, tuple(f for f in firsts if get(hkey(prefix + f)) is not None))
        all_starts.append(starts[1])
    stripped = None
    for i, starts in enumerate(all_starts):
        if not starts:
            continue
        longest = min(max_len, n - i)
        if longest < min_len:
            continue
        if stripped is None:
            stripped = [info["n_st"] for info in infos]
        best = 0
        hit: set[str] = set()
        for f in starts:
            key = prefix + f
            for L in range(1, longest + 1):
                if L > 1:
                    key += " " + stripped[i + L - 1]
                classes = get(hkey(key))
                if classes is None:
                    break
                if classes and L >= min_len:
                    if L > best:
                        best, hit = L, set(classes)
                    elif L == best:
                        hit.update(classes)
        if hit:
            for cls in sorted(hit):
                out[i].append(f"B-{cls}" if best > 1 else f"U-{cls}")
                for j in range(i + 1, i + best):
                    out[j].append(f"I-{cls}")
    return out


def _static_features(w: str, info: dict) -> tuple[str, ...]:
    """The features of a word that depend on nothing but the word, kept with its cached info."""
    cached = info.get("static")
    if cached is not None:
        return cached
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
    info["static"] = out = tuple(f)
    return out


def _context_features(info: dict, d: int) -> tuple[str, ...]:
    """The features a word gives its neighbour at offset ``d`` that depend on the word alone (kept
    with its cached info: the same strings are built for every occurrence otherwise)."""
    key = "ctx" + str(d)
    cached = info.get(key)
    if cached is None:
        f = [f"{d}:n=" + info["n"], f"{d}:st=" + info["st"]]
        if abs(d) == 1:
            f += [f"{d}:pre=" + info["pre"], f"{d}:s2=" + info["st"][-2:]]
        cached = info[key] = tuple(f)
    return cached


def _word_lookups(info: dict, lexicon: Lexicon) -> tuple[str, str]:
    """Trigger class and label-lexicon entry of a word (cached with its info, which is per lexicon)."""
    cached = info.get("lookups")
    if cached is None:
        trig = TRIGGERS.get(info["rest"], "") or TRIGGERS.get(info["n"], "")
        lex = lexicon.lex.get(hkey("n:" + info["n"])) or lexicon.lex.get(hkey("r:" + info["rest"]), "")
        cached = info["lookups"] = (trig, lex)
    return cached


def sent_features(words: list[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """Features for each word of one sentence. Deterministic, order-stable."""
    lexicon = lexicon or Lexicon()
    infos = [lexicon.word_info(w) for w in words]
    gaz = _gaz_tags(infos, lexicon.gaz, lexicon.gaz_max) if lexicon.gaz else [[] for _ in words]
    phr = _gaz_tags(infos, lexicon.lex, MAX_PHRASE, "p:", 2) if lexicon.lex else [[] for _ in words]
    lookups = [_word_lookups(info, lexicon) for info in infos]
    trig = [t for t, _ in lookups]
    lex = [x for _, x in lookups]
    punct = [is_punct(w) for w in words]

    local: list[list[str]] = []
    for i, (w, info) in enumerate(zip(words, infos)):
        f = list(_static_features(w, info))
        for g in gaz[i]:
            f.append("gaz=" + g)
        for g in phr[i]:
            f.append("phr=" + g)
        if trig[i]:
            f.append("trig=" + trig[i])
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
                f.extend(_context_features(infos[j], d))
                if d == 1 or d == -1:
                    for g in gaz[j]:
                        f.append(f"{d}:gaz=" + g)
                    for g in phr[j]:
                        f.append(f"{d}:phr=" + g)
                    if lex[j]:
                        f.append(f"{d}:lex=" + lex[j].split(":")[0])
                    if punct[j]:
                        f.append(f"{d}:punct")
            else:
                f.append(f"{d}:" + ("BOS" if j < 0 else "EOS"))
        for d in (-3, -2, -1, 1):
            j = i + d
            if 0 <= j < N and trig[j]:
                f.append(f"{d}:trig=" + trig[j])
        if i > 0:
            f.append("bi-1=" + infos[i - 1]["st"] + "|" + infos[i]["st"])
        if i + 1 < N:
            f.append("bi+1=" + infos[i]["st"] + "|" + infos[i + 1]["st"])
        feats.append(f)
    return feats


# ---------------------------------------------------------------------------- second pass (stacking)

STACK_WINDOW = 10  # sentences on each side whose first-pass tags inform the second pass


_CTX_CACHE: dict[int, tuple[dict | None, dict[str, str]]] = {}


def _ctx_key(word: str, freq: dict[str, int] | None) -> str:
    """The word's proclitic-free form, the key of document evidence ("" for punctuation and numbers)."""
    entry = _CTX_CACHE.get(id(freq))
    if entry is None or entry[0] is not freq or len(entry[1]) > 200_000:
        entry = _CTX_CACHE[id(freq)] = (freq, {})
    key = entry[1].get(word)
    if key is None:
        if is_punct(word) or _DIGIT.search(word):
            key = ""
        else:
            rest = segment(normalize(word), freq)[1]
            key = rest if len(rest) >= 2 else ""
        entry[1][word] = key
    return key


def context_keys(sentences: list[list[str]], freq: dict[str, int] | None) -> list[list[str]]:
    """:func:`_ctx_key` of every word of some sentences (computed once, read by the functions below)."""
    return [[_ctx_key(w, freq) for w in words] for words in sentences]


def sentence_memory(words: list[str], tags: list[str], freq: dict[str, int] | None,
                    keys: list[str] | None = None) -> dict[str, dict[str, int]]:
    """First-pass evidence of one sentence: word key -> {type or "O": count}."""
    mem: dict[str, dict[str, int]] = {}
    for k, t in zip(keys if keys is not None else [_ctx_key(w, freq) for w in words], tags):
        if k:
            c = mem.setdefault(k, {})
            lab = t[2:] if t != "O" else "O"
            c[lab] = c.get(lab, 0) + 1
    return mem


def document_contexts(sentences: list[list[str]], tags: list[list[str]], freq: dict[str, int] | None,
                      window: int = STACK_WINDOW, keys: list[list[str]] | None = None) -> list[dict[str, dict[str, int]]]:
    """For each sentence, the merged first-pass evidence of the other sentences within ``window``,
    for the word keys of that sentence (the only ones its second pass looks up).

    A running total over the sliding window, minus the sentence's own evidence: linear in the
    document, where merging every neighbour's memory was ``window`` times the work.  ``keys``:
    the sentences' :func:`context_keys`, when the caller has them already.
    """
    if keys is None:
        keys = context_keys(sentences, freq)
    mems = [sentence_memory(w, t, freq, k) for w, t, k in zip(sentences, tags, keys)]
    total: dict[str, dict[str, int]] = {}

    def add(mem: dict[str, dict[str, int]], sign: int) -> None:
        for k, c in mem.items():
            m = total.setdefault(k, {})
            for lab, n in c.items():
                m[lab] = m.get(lab, 0) + sign * n

    n = len(sentences)
    for j in range(min(n, window + 1)):
        add(mems[j], 1)
    out = []
    for i in range(n):
        if i - window - 1 >= 0:
            add(mems[i - window - 1], -1)
        if i > 0 and i + window < n:
            add(mems[i + window], 1)
        own = mems[i]
        merged: dict[str, dict[str, int]] = {}
        for k in set(keys[i]) - {""}:
            c = {lab: v - own.get(k, {}).get(lab, 0) for lab, v in total.get(k, {}).items()}
            c = {lab: v for lab, v in c.items() if v}
            if c:
                merged[k] = c
        out.append(merged)
    return out


def _ctx_feats(c: dict[str, int] | None, prefix: str) -> list[str]:
    if not c:
        return []
    ents = {k: v for k, v in c.items() if k != "O"}
    if not ents:
        return [prefix + "doc=O"]
    best = max(sorted(ents), key=lambda k: ents[k])
    share = sum(ents.values()) / sum(c.values())
    return [prefix + "doc=" + best, prefix + f"docs={best}{min(int(share * 4), 3)}"]


def stack_tag_features(first: list[str]) -> list[list[str]]:
    """Second-pass features from the first-pass tags: the word's own, its neighbours', and the
    previous/own pair."""
    N = len(first)
    out = []
    for i in range(N):
        prev = first[i - 1] if i > 0 else "BOS"
        out.append(["t0=" + first[i], "t-1=" + prev, "t+1=" + (first[i + 1] if i + 1 < N else "EOS"),
                    "t-1|t0=" + prev + "|" + first[i]])
    return out


def stack_doc_features(words: list[str], ctx: dict[str, dict[str, int]], freq: dict[str, int] | None,
                       keys: list[str] | None = None) -> list[list[str]]:
    """Second-pass features from the document: how the word and its neighbours (±1) were tagged in
    the other sentences nearby."""
    if keys is None:
        keys = [_ctx_key(w, freq) for w in words]
    N = len(words)
    out = []
    for i in range(N):
        f = _ctx_feats(ctx.get(keys[i]) if keys[i] else None, "")
        if i > 0 and keys[i - 1]:
            f += _ctx_feats(ctx.get(keys[i - 1]), "-1:")
        if i + 1 < N and keys[i + 1]:
            f += _ctx_feats(ctx.get(keys[i + 1]), "+1:")
        out.append(f)
    return out


def stack_features(words: list[str], first: list[str], ctx: dict[str, dict[str, int]],
                   freq: dict[str, int] | None) -> list[list[str]]:
    """Extra second-pass features: first-pass tags (±1) and document evidence for the word (±1)."""
    return [a + b for a, b in zip(stack_tag_features(first), stack_doc_features(words, ctx, freq))]
