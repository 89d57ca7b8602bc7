"""The CRF's state scores computed from cached per-word weight sums instead of feature strings.

:func:`kg.entities.ner_features.sent_features` writes ~40 attribute strings per word, and a linear
CRF scores a word by summing the weight rows of its attributes.  Most of those attributes belong to
one word alone (its form, affixes, shape, lexicon classes, and what it tells its neighbours at
offsets -3..+2), so their sums are computed once per word form per model and kept as rows of one
matrix.  Only the attributes that depend on the sentence (gazetteer and phrase matches, bigrams,
sentence edges, the second pass's stacked features) are looked up per occurrence, and the
first-pass tag features of the second pass are a table look-up per position.

The sums equal scoring ``sent_features`` (plus ``stack_features``) with the model; only the order
of the floating-point additions differs (``tests/entities/test_ner_scores.py`` pins both).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kg.entities.crf import CrfModel, row_sum
from kg.entities.ner_features import (
    MAX_PHRASE,
    Lexicon,
    _context_features,
    _ctx_feats,
    _gaz_tags,
    _static_features,
    _word_lookups,
    is_punct,
)

# Slots of a word's cached sums: its own attributes, then what it gives the word at offset d from it.
_OFFSETS = (-3, -2, -1, 1, 2)
_SLOTS = 1 + len(_OFFSETS)
_MAX_WORDS = 100_000  # cached word forms per model before the cache starts again


@dataclass
class Layout:
    """The model-independent part of scoring some sentences: their words (flattened), each word's
    position and sentence length, and the sentence-dependent attributes ``(position, string)``."""

    words: list[str]
    lengths: list[int]
    pos: np.ndarray
    lens: np.ndarray
    at: list[int] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # stems of words j-1 and j, for j in pair_at
    pair_at: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, sentences: list[list[str]], lexicon: Lexicon) -> "Layout":
        """Lay out non-empty sentences: gazetteer and phrase matches and bigrams, as :func:`sent_features`."""
        words: list[str] = []
        pos: list[int] = []
        lens: list[int] = []
        at: list[int] = []
        attrs: list[str] = []
        pairs: list[tuple[str, str]] = []
        pair_at: list[int] = []
        base = 0
        for sent in sentences:
            n = len(sent)
            infos = [lexicon.word_info(w) for w in sent]
            for table, max_len, prefix, min_len, name in (
                (lexicon.gaz, lexicon.gaz_max, "", 1, "gaz="),
                (lexicon.lex, MAX_PHRASE, "p:", 2, "phr="),
            ):
                if not table:
                    continue
                for j, tags in enumerate(_gaz_tags(infos, table, max_len, prefix, min_len)):
                    for g in tags:
                        at.append(base + j)
                        attrs.append(name + g)
                        if j > 0:
                            at.append(base + j - 1)
                            attrs.append("1:" + name + g)
                        if j + 1 < n:
                            at.append(base + j + 1)
                            attrs.append("-1:" + name + g)
            stems = [info["st"] for info in infos]
            pairs.extend(zip(stems, stems[1:]))
            pair_at.extend(range(base + 1, base + n))
            words.extend(sent)
            pos.extend(range(n))
            lens.extend([n] * n)
            base += n
        return cls(words, [len(s) for s in sentences], np.array(pos, dtype=np.intp), np.array(lens, dtype=np.intp),
                   at, attrs, pairs, pair_at)


class StateScorer:
    """Per-position label scores of sentences under one or more models over the same features (the
    first and the stacked second pass), as :func:`sent_features` would give them.

    The models' weights sit side by side in one matrix over the union of their attributes, so a
    word's attributes are looked up and summed once for all models; :meth:`scores` returns the
    columns of every model, :attr:`columns` says which are whose.
    """

    def __init__(self, models: list[CrfModel], lexicon: Lexicon) -> None:
        self.models = models
        self.lexicon = lexicon
        index: dict[str, int] = {}
        for m in models:
            for a in m.attrs:
                index.setdefault(a, len(index))
        self.columns: list[slice] = []
        width = 0
        for m in models:
            self.columns.append(slice(width, width + len(m.labels)))
            width += len(m.labels)
        weights = np.zeros((len(index) + 1, width))
        for m, cols in zip(models, self.columns):
            weights[[index[a] for a in m.attrs], cols] = m.weights[list(m.attrs.values())]
        self.attrs = index
        self.weights = weights
        self._bias = self._row_sum(["bias"])
        self._edges = [(d, self._row_sum([f"{d}:{end}"])) for d, end in ((-2, "BOS"), (-1, "BOS"), (1, "EOS"), (2, "EOS"))]
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((4096, _SLOTS, width))
        self._pairs: dict[tuple[str, str], tuple[int, int]] = {}
        self._tag_tables: dict[int, tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._doc_rows: dict[int, tuple[dict[tuple[str, ...], int], list, np.ndarray]] = {}

    def _row_sum(self, attrs) -> np.ndarray:
        return row_sum(self.attrs, self.weights, attrs)

    # ------------------------------------------------------------------ per-word sums

    def _word_attrs(self, word: str) -> list[list[str]]:
        """The word-only attributes of ``word`` per slot (own, then as the neighbour at each offset)."""
        info = self.lexicon.word_info(word)
        trig, lex = _word_lookups(info, self.lexicon)
        cls, share = lex.split(":") if lex else ("", "")
        punct = is_punct(word)
        own = list(_static_features(word, info))
        if trig:
            own.append("trig=" + trig)
        if lex:
            own += ["lex=" + cls, "lexs=" + cls + share]
        slots = [own]
        for d in _OFFSETS:
            attrs = list(_context_features(info, d)) if d != -3 else []
            if abs(d) == 1:
                if lex:
                    attrs.append(f"{d}:lex=" + cls)
                if punct:
                    attrs.append(f"{d}:punct")
            if trig and d != 2:
                attrs.append(f"{d}:trig=" + trig)
            slots.append(attrs)
        return slots

    def _register(self, words: list[str]) -> None:
        """Give every new word form a row of summed weights (one batched sum for all of them)."""
        new = [w for w in dict.fromkeys(words) if w not in self._rows]
        if not new:
            return
        if len(self._rows) + len(new) > _MAX_WORDS:
            self._rows.clear()
            self._pairs.clear()
            new = list(dict.fromkeys(words))
        first = len(self._rows)
        need = first + len(new)
        if need > len(self._matrix):
            grown = np.zeros((max(need, 2 * len(self._matrix)),) + self._matrix.shape[1:])
            grown[:first] = self._matrix[:first]
            self._matrix = grown
        get = self.attrs.get
        ids: list[int] = []
        targets: list[int] = []
        for r, w in enumerate(new, start=first):
            self._rows[w] = r
            for s, attrs in enumerate(self._word_attrs(w)):
                t = r * _SLOTS + s
                for a in attrs:
                    i = get(a)
                    if i is not None:
                        ids.append(i)
                        targets.append(t)
        flat = self._matrix.reshape(-1, self._matrix.shape[2])
        flat[first * _SLOTS: need * _SLOTS] = 0.0
        if ids:
            t = np.array(targets)
            starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
            flat[t[starts]] = np.add.reduceat(self.weights[np.array(ids)], starts, axis=0)

    def _pair_ids(self, pairs: list[tuple[str, str]]) -> tuple[list[int], list[int]]:
        """Attribute rows of each bigram as seen from its right word and from its left one."""
        cache = self._pairs
        get = self.attrs.get
        unknown = len(self.weights) - 1
        right: list[int] = []
        left: list[int] = []
        for key in pairs:
            ids = cache.get(key)
            if ids is None:
                joined = key[0] + "|" + key[1]
                ids = cache[key] = (get("bi-1=" + joined, unknown), get("bi+1=" + joined, unknown))
            right.append(ids[0])
            left.append(ids[1])
        return right, left

    def _tags(self, m: int):
        """Rows of model ``m``'s first-pass tag features for every label (and the sentence edges)."""
        tables = self._tag_tables.get(m)
        if tables is None:
            names = list(self.models[m].labels) + ["BOS", "EOS"]
            cols = self.columns[m]

            def rs(attr: str) -> np.ndarray:
                return self._row_sum([attr])[cols]

            tables = self._tag_tables[m] = (
                {t: i for i, t in enumerate(names)},
                np.array([rs("t0=" + t) for t in names]),
                np.array([rs("t-1=" + t) for t in names]),
                np.array([rs("t+1=" + t) for t in names]),
                np.array([[rs("t-1|t0=" + a + "|" + b) for b in names] for a in names]),
            )
        return tables

    # ------------------------------------------------------------------ sentences

    def scores(self, layout: Layout) -> np.ndarray:
        """``(words, all models' labels)`` scores of the features of :func:`sent_features`."""
        if not layout.words:
            return np.zeros((0, self.weights.shape[1]))
        self._register(layout.words)
        rows = self._rows
        R = self._matrix[[rows[w] for w in layout.words]]
        S = R[:, 0] + self._bias
        p, ln = layout.pos, layout.lens
        for k, d in enumerate(_OFFSETS, start=1):
            if d < 0:
                S[-d:] += R[:d, k] * (p[-d:] >= -d)[:, None]
            else:
                S[:-d] += R[d:, k] * (p[:-d] + d < ln[:-d])[:, None]
        for d, row in self._edges:
            S[(p < -d) if d < 0 else (p + d >= ln)] += row
        W = self.weights
        right, left = self._pair_ids(layout.pairs)
        if right:
            pair_at = np.array(layout.pair_at)
            S[pair_at] += W[right]
            S[pair_at - 1] += W[left]
        self._add_attrs(S, layout.at, layout.attrs)
        return S

    def _add_attrs(self, S: np.ndarray, at: list[int], attrs: list[str]) -> None:
        get = self.attrs.get
        pos: list[int] = []
        ids: list[int] = []
        for i, a in zip(at, attrs):
            a_id = get(a)
            if a_id is not None:
                pos.append(i)
                ids.append(a_id)
        if pos:
            np.add.at(S, np.array(pos), self.weights[np.array(ids)])

    def _doc_tables(self, m: int, codes: list[tuple[str, ...]]) -> tuple[dict[tuple[str, ...], int], np.ndarray]:
        """Model ``m``'s document-evidence codes and their rows ``(code, 3, labels)``: for the word
        itself and as the previous (``-1:``) and next (``+1:``) word.  A handful of codes exist, so
        the array is rebuilt only when a document brings a new one."""
        cols = self.columns[m]
        index, rows, table = self._doc_rows.get(m, ({}, [], None))
        for code in codes:
            if code not in index:
                index[code] = len(rows)
                rows.append([self._row_sum([p + a for a in code])[cols] for p in ("", "-1:", "+1:")])
                table = None
        if table is None:
            table = np.array(rows)
            self._doc_rows[m] = (index, rows, table)
        return index, table

    def add_stacked(self, S: np.ndarray, m: int, layout: Layout, first: list[list[str]],
                    contexts: list[dict[str, dict[str, int]]], keys: list[list[str]]) -> np.ndarray:
        """Model ``m``'s columns of ``S`` plus its stacked features (:func:`stack_features`): the
        first-pass tags per sentence, and the document evidence (``contexts``, from
        :func:`document_contexts`, for the sentences' :func:`context_keys`) of each word and its
        neighbours."""
        cols = self.columns[m]
        out = S[:, cols].copy()
        if not layout.words:
            return out
        p, ln = layout.pos, layout.lens
        # document evidence: one code (its feature strings) per word, the same for its neighbours
        codes: list[tuple[str, ...]] = []
        for ctx, sent_keys in zip(contexts, keys):
            seen: dict[str, tuple[str, ...]] = {"": ()}
            for k in sent_keys:
                code = seen.get(k)
                if code is None:
                    code = seen[k] = tuple(_ctx_feats(ctx.get(k), ""))
                codes.append(code)
        index, table = self._doc_tables(m, list(dict.fromkeys(codes)))
        cid = np.array([index[c] for c in codes], dtype=np.intp)
        out += table[cid, 0]
        out[1:] += table[cid[:-1], 1] * (p[1:] > 0)[:, None]
        out[:-1] += table[cid[1:], 2] * (p[:-1] + 1 < ln[:-1])[:, None]
        # first-pass tags
        index_t, t0, tm1, tp1, pair = self._tags(m)
        cur = np.array([index_t[t] for sent in first for t in sent], dtype=np.intp)
        bos, eos = len(index_t) - 2, len(index_t) - 1
        prev = np.where(p == 0, bos, np.roll(cur, 1))
        nxt = np.where(p == ln - 1, eos, np.roll(cur, -1))
        out += t0[cur] + tm1[prev] + tp1[nxt] + pair[prev, cur]
        return out


def split(S: np.ndarray, layout: Layout) -> list[np.ndarray]:
    """Per-sentence blocks of a layout's score matrix."""
    return np.split(S, np.cumsum(layout.lengths)[:-1]) if layout.lengths else []
