"""Statistical Arabic NER: a CRF tagger (trained by python-crfsuite, decoded in numpy) and its spaCy
component ``kg_ner``.

* :class:`CrfTagger` tags ANERcorp-like words (whitespace tokens, punctuation split off, clitics
  attached) with IOB2 tags ``B-/I-PERS|LOC|ORG|MISC``.
* :func:`evaluate_ner` scores a model on a two-column CoNLL file (CoNLL exact-span micro and
  per-type P/R/F1). ``python -m kg.entities.ner --data FILE`` prints the table.
* The ``kg_ner`` spaCy factory rebuilds words from the project's clitic-split tokens, tags them and
  writes ``doc.spans["ner"]`` (leading clitic-prefix tokens excluded, article kept).

The model is trained by ``pipelines/train_ner.py`` into ``kg/models/ner-crf/``.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np
from spacy.attrs import ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.entities.crf import CrfModel, marginals, viterbi
from kg.entities.ner_features import STACK_WINDOW, Lexicon, context_keys, document_contexts
from kg.entities.ner_scores import Layout, StateScorer, split
from kg.errors import DataFileError

MODEL_FILE = "model.crfsuite"
MODEL2_FILE = "model2.crfsuite"  # optional second (stacked, document-aware) pass
LEXICON_FILE = "lexicon.json"
META_FILE = "meta.json"
LABELS = ("PERS", "LOC", "ORG", "MISC")
TRAIN_HINT = (
    "train it with `python pipelines/train_ner.py` (needs the corpora in ../shared/data, "
    "see kg/models/ner-crf/MODEL_CARD.md)"
)


def default_model_dir() -> Path:
    """The packaged model directory ``kg/models/ner-crf``."""
    return Path(str(resources.files("kg").joinpath("models").joinpath("ner-crf")))


# ---------------------------------------------------------------------------- tagger

class CrfTagger:
    """A trained CRF plus the lexicon its features need.

    With a second-pass model (``model2.crfsuite``) the tagger is document-aware: the first pass tags
    every sentence, and the second pass sees those tags plus how the same word was tagged in the
    neighbouring sentences (``tag_sents`` over a document or a CoNLL stream).

    The models are trained by crfsuite and read into numpy (:mod:`kg.entities.crf`); words are
    scored from cached per-word weight sums (:class:`kg.entities.ner_scores.StateScorer`), which
    gives the tags crfsuite's own tagger gives for :func:`sent_features`, at a fraction of the cost.
    """

    def __init__(self, model: CrfModel, lexicon: Lexicon, model_dir: Path, model2: CrfModel | None = None,
                 window: int = STACK_WINDOW, o_threshold: float | None = None) -> None:
        self.model = model
        self.model2 = model2
        self.window = window
        self.o_threshold = o_threshold
        self.lexicon = lexicon
        self.model_dir = model_dir
        self._scorer = StateScorer([model] if model2 is None else [model, model2], lexicon)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CrfTagger":
        """Load from a model directory (or the ``model.crfsuite`` file inside one)."""
        p = Path(path) if path is not None else default_model_dir()
        model_dir = p.parent if p.is_file() else p
        model_file = model_dir / MODEL_FILE
        if not model_file.is_file():
            raise DataFileError(f"NER model not found: {model_file}; {TRAIN_HINT}")
        lex_file = model_dir / LEXICON_FILE
        lexicon = Lexicon.load(lex_file) if lex_file.is_file() else Lexicon()
        meta_file = model_dir / META_FILE
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}

        def _open(f: Path) -> CrfModel:
            try:
                return CrfModel.load(f)
            except DataFileError as exc:
                raise DataFileError(f"{exc}; {TRAIN_HINT}") from exc

        model2 = _open(model_dir / MODEL2_FILE) if (model_dir / MODEL2_FILE).is_file() else None
        return cls(_open(model_file), lexicon, model_dir, model2, int(meta.get("stack_window", STACK_WINDOW)),
                   meta.get("o_threshold"))

    def tag(self, words: list[str]) -> list[str]:
        """IOB2 tags for one sentence of words."""
        return self.tag_sents([list(words)])[0]

    def tag_sents(self, sentences: list[list[str]]) -> list[list[str]]:
        """IOB2 tags for consecutive sentences of one document (or a CoNLL stream)."""
        sentences = [list(w) for w in sentences]
        full = [w for w in sentences if w]
        layout = Layout.of(full, self.lexicon)
        scores = self._scorer.scores(layout)
        first_scores = split(scores[:, self._scorer.columns[0]], layout)
        if self.model2 is None:
            return self._fill(sentences, self._decode(self.model, first_scores))
        labels = self.model.labels
        first_full = [repair_iob2([labels[i] for i in path]) for path in viterbi(first_scores, self.model.transitions)]
        first = self._fill(sentences, first_full)
        freq = self.lexicon.freq
        keys = context_keys(sentences, freq)
        ctxs = document_contexts(sentences, first, freq, self.window, keys)
        full_ctxs = [c for w, c in zip(sentences, ctxs) if w]
        full_keys = [k for w, k in zip(sentences, keys) if w]
        second = self._scorer.add_stacked(scores, 1, layout, first_full, full_ctxs, full_keys)
        return self._fill(sentences, self._decode(self.model2, split(second, layout)))

    @staticmethod
    def _fill(sentences: list[list[str]], tags: list[list[str]]) -> list[list[str]]:
        """Tags of the non-empty sentences put back among the empty ones."""
        it = iter(tags)
        return [next(it) if w else [] for w in sentences]

    def _decode(self, model: CrfModel, scores: list) -> list[list[str]]:
        """Viterbi tags; with ``o_threshold``, an ``O`` whose best entity label has a marginal
        probability of at least the threshold takes that label (trades precision for recall)."""
        labels = model.labels
        paths = viterbi(scores, model.transitions)
        if self.o_threshold is None:
            return [repair_iob2([labels[i] for i in p]) for p in paths]
        out = []
        o = labels.index("O")
        ents = sorted((lab, i) for i, lab in enumerate(labels) if lab != "O")
        thr = self.o_threshold
        for path, probs in zip(paths, marginals(scores, model.transitions)):
            tags = [labels[i] for i in path]
            for t in np.flatnonzero((np.array(path) == o) & (1.0 - probs[:, o] + 1e-9 >= thr)).tolist():
                # the highest entity marginal, the greater label name on a tie (as ``max`` over pairs)
                p, best = max((probs[t, i], lab) for lab, i in ents)
                if p >= thr:
                    tags[t] = best
            out.append(repair_iob2(tags))
        return out


def repair_iob2(tags: list[str]) -> list[str]:
    """Turn an ``I-X`` that does not continue an X chunk into ``B-X``."""
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


# ---------------------------------------------------------------------------- scoring

def chunks(tags: list[str]) -> set[tuple[int, int, str]]:
    """CoNLL chunks ``(start, end_exclusive, type)`` of an IOB2/IOB1 tag sequence (conlleval rules)."""
    out = set()
    start, typ = None, None
    for i, t in enumerate(list(tags) + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if typ is not None:
                out.add((start, i, typ))
            start, typ = (i, t[2:]) if t != "O" else (None, None)
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def score_chunks(gold: Iterable[list[str]], pred: Iterable[list[str]]) -> dict:
    """CoNLL exact-span scores over sentences of gold and predicted tags.

    Returns ``{"micro": {precision, recall, f1, tp, pred, gold}, "per_type": {TYPE: {...}}}``.
    Scores are fractions in [0, 1].
    """
    tp: dict[str, int] = {}
    npred: dict[str, int] = {}
    ngold: dict[str, int] = {}
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError("gold and predicted sentences differ in length")
        gc, pc = chunks(g), chunks(p)
        for c in gc:
            ngold[c[2]] = ngold.get(c[2], 0) + 1
        for c in pc:
            npred[c[2]] = npred.get(c[2], 0) + 1
        for c in gc & pc:
            tp[c[2]] = tp.get(c[2], 0) + 1
    types = sorted(set(ngold) | set(npred))
    per = {t: _prf(tp.get(t, 0), npred.get(t, 0), ngold.get(t, 0)) for t in types}
    micro = _prf(sum(tp.values()), sum(npred.values()), sum(ngold.values()))
    return {"micro": micro, "per_type": per}


# ---------------------------------------------------------------------------- CoNLL i/o

def read_conll(path: str | Path) -> Iterator[tuple[list[str], list[str]]]:
    """Sentences of a two-column ``token TAG`` file (first and last column; blank line ends a sentence)."""
    words: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if words:
                    yield words, tags
                words, tags = [], []
                continue
            parts = line.split()
            words.append(parts[0])
            tags.append(parts[-1] if len(parts) > 1 else "O")
    if words:
        yield words, tags


def map_tags(tags: list[str], mapping: dict[str, str | None]) -> list[str]:
    """Rename entity types (``None`` → ``O``); types not in ``mapping`` are kept."""
    out = []
    for t in tags:
        if t == "O":
            out.append(t)
            continue
        typ = t[2:]
        new = mapping.get(typ, typ)
        out.append("O" if new is None else t[:2] + new)
    return repair_iob2(out)


# Out-of-domain label names (AQMAR uses PER) → ours.
_CANON = {"PER": "PERS", "PERSON": "PERS"}


def evaluate_ner(model_dir: str | Path | None, conll_path: str | Path, *, misc_as_o: bool = False) -> dict:
    """Tag a CoNLL file with the model and score it (CoNLL exact span).

    ``misc_as_o`` maps MISC to O in both gold and prediction (for corpora whose MISC is a
    different notion, e.g. AQMAR). Returns ``{"micro": {...}, "per_type": {...}, "sentences": n,
    "tokens": n, "data": path}``, scores as fractions.
    """
    tagger = CrfTagger.load(model_dir)
    mapping: dict[str, str | None] = dict(_CANON)
    if misc_as_o:
        mapping["MISC"] = None
    sents = list(read_conll(conll_path))
    gold = [map_tags(tags, mapping) for _, tags in sents]
    pred = [map_tags(t, mapping) for t in tagger.tag_sents([w for w, _ in sents])]
    n_tok = sum(len(w) for w, _ in sents)
    res = score_chunks(gold, pred)
    res.update({"sentences": len(gold), "tokens": n_tok, "data": str(conll_path)})
    return res


def format_scores(res: dict) -> str:
    """A plain-text table of :func:`evaluate_ner` / :func:`score_chunks` output (percentages)."""
    lines = [f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}"]
    rows = list(res["per_type"].items()) + [("micro", res["micro"])]
    for name, s in rows:
        lines.append(
            f"{name:<6} {100 * s['precision']:6.2f} {100 * s['recall']:6.2f} {100 * s['f1']:6.2f} "
            f"{s['gold']:6d} {s['pred']:6d}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- spaCy component

@lru_cache(maxsize=1 << 16)
def _is_punct_token(text: str) -> bool:
    return bool(text) and all(unicodedata.category(c)[0] in "PS" for c in text)


def _clitic(token: Token) -> str:
    if Token.has_extension("clitic"):
        return getattr(token._, "clitic", "") or ""
    return ""


def _token_columns(doc: Doc) -> tuple[list[str], list[int]]:
    """Token texts and trailing-whitespace flags, read from the doc's arrays: a Python ``Token`` per
    token (``for tok in doc``) costs more than the tagging of the word."""
    strings = doc.vocab.strings
    orth, spacy_ws = doc.to_array([ORTH, SPACY]).T.tolist() if len(doc) else ([], [])
    return [strings[o] for o in orth], spacy_ws


def doc_words(doc: Doc) -> list[tuple[str, int, int]]:
    """ANERcorp-like words of a doc: ``(text, first_token, end_token_exclusive)``.

    Consecutive non-punctuation tokens with no whitespace between them form one word;
    punctuation tokens stay words of their own; whitespace-only tokens are skipped.
    """
    texts, ws = _token_columns(doc)
    words: list[tuple[str, int, int]] = []
    cur_start = None
    for i, text in enumerate(texts):
        if not text.strip():
            cur_start = None
            continue
        if _is_punct_token(text):
            words.append((text, i, i + 1))
            cur_start = None
        elif cur_start is not None and not ws[i - 1]:
            w, s, _ = words[-1]
            words[-1] = (w + text, s, i + 1)
        else:
            words.append((text, i, i + 1))
            cur_start = i
        if ws[i]:
            cur_start = None
    return words


_SENT_END = {".", "!", "?", "؟", "…"}


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence token ranges: the doc's own, or else cut after sentence-final punctuation tokens."""
    n = len(doc)
    if n and doc.has_annotation("SENT_START"):
        # one C-level read of the sentence starts: ``doc.sents`` walks every token in Python
        starts = [i for i, v in enumerate(doc.to_array([SENT_START]).ravel().tolist()) if v == 1 or i == 0]
        return list(zip(starts, starts[1:] + [n]))
    ends = {doc.vocab.strings.add(t) for t in _SENT_END}
    orth = doc.to_array([ORTH]).ravel().tolist() if n else []
    out, start = [], 0
    for i, o in enumerate(orth):
        if o in ends and (i + 1 == n or orth[i + 1] not in ends):
            out.append((start, i + 1))
            start = i + 1
    if start < n:
        out.append((start, n))
    return out


def annotate_doc(doc: Doc, tag_sents, key: str = "ner") -> Doc:
    """Set ``doc.spans[key]`` from a sentence tagger working on ANERcorp-like words.

    ``tag_sents(list[list[str]]) -> list[list[str]]`` returns IOB2 tags. Word spans are mapped
    back to doc tokens; leading clitic-prefix tokens are dropped from each span, the article kept.
    """
    spans: list[Span] = []
    all_words = doc_words(doc)
    n = len(all_words)
    sent_words = []
    i = 0
    for s_start, s_end in _sentences(doc):
        # words and sentences are both in order: one sweep; a word never crosses a sentence
        # boundary, it is cut at the boundary if it would (and then seen in both sentences)
        while i < n and all_words[i][2] <= s_start:
            i += 1
        words = []
        j = i
        while j < n and all_words[j][1] < s_end:
            t, a, b = all_words[j]
            words.append((t, max(a, s_start), min(b, s_end)))
            j += 1
        if words:
            sent_words.append(words)
    all_tags = tag_sents([[w[0] for w in words] for words in sent_words]) if sent_words else []
    for words, tags in zip(sent_words, all_tags):
        for ws, we, label in sorted(chunks(tags)):
            start, end = words[ws][1], words[we - 1][2]
            while start < end and _clitic(doc[start]) == "prefix":
                start += 1
            if start < end:
                spans.append(Span(doc, start, end, label=label))
    doc.spans[key] = spans
    return doc


class NerComponent:
    """spaCy pipe: sets ``doc.spans["ner"]`` from the CRF tagger."""

    def __init__(self, nlp: Language, name: str, model_dir: str | Path | None = None) -> None:
        self.name = name
        self.tagger = CrfTagger.load(model_dir)

    def __call__(self, doc: Doc) -> Doc:
        return annotate_doc(doc, self.tagger.tag_sents)


@Language.factory("kg_ner", default_config={"model_dir": None})
def make_kg_ner(nlp: Language, name: str, model_dir: str | None) -> NerComponent:
    return NerComponent(nlp, name, model_dir)


# ---------------------------------------------------------------------------- CLI

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.entities.ner", description="Score the CRF NER model on a CoNLL file.")
    ap.add_argument("--data", required=True, help="two-column CoNLL file (token TAG)")
    ap.add_argument("--model-dir", default=None, help="model directory (default: packaged kg/models/ner-crf)")
    ap.add_argument("--misc-as-o", action="store_true", help="map MISC to O in gold and prediction")
    args = ap.parse_args(argv)
    try:
        res = evaluate_ner(args.model_dir, args.data, misc_as_o=args.misc_as_o)
    except DataFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{res['data']}: {res['sentences']} sentences, {res['tokens']} tokens")
    print(format_scores(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
