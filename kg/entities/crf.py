"""A trained crfsuite CRF read into numpy: its weights, Viterbi and marginals over many sequences at once.

``python-crfsuite`` trains the NER model (``pipelines/train_ner.py``); tagging through it costs a
C++ string copy and hash look-up for every one of the ~40 attribute strings of every word, which
was most of the pipeline's time.  News repeats its words, so the tagger here sums a word's weight
rows once per word form (see :class:`kg.entities.ner_scores.StateScorer`) and decodes all the
sentences of a document together, one numpy step per position instead of one per word.

The model file is read directly (crfsuite's ``crf1d`` format: a header, a feature array of
``(type, source, destination, weight)`` records, and two CQDB string tables for labels and
attributes) so the weights are the exact doubles crfsuite itself uses; ``Tagger.info()`` only
offers them rounded to six decimals.  The decoders follow crfsuite's own recurrences, with its
tie-breaking (the lowest label id wins).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.errors import DataFileError

_HEADER = struct.Struct("<4sI4sI8I")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_STATE, _TRANSITION = 0, 1


def _cqdb_strings(buf: bytes, base: int) -> list[str]:
    """Id -> string of a CQDB chunk (its backward array points at ``id, size, bytes\\0`` records)."""
    chunk, _size, _flag, _order, n, bwd = struct.unpack_from("<4sIIIII", buf, base)
    if chunk != b"CQDB":
        raise ValueError("string table is not a CQDB chunk")
    out = []
    for off in struct.unpack_from(f"<{n}I", buf, base + bwd):
        _id, ksize = struct.unpack_from("<II", buf, base + off)
        out.append(buf[base + off + 8: base + off + 7 + ksize].decode("utf-8"))
    return out


@dataclass
class CrfModel:
    """Labels, attribute ids, state weights ``(n_attrs + 1, n_labels)`` (the last row is all zeros:
    the row of an attribute the model never saw) and transition weights ``[from, to]``."""

    labels: list[str]
    attrs: dict[str, int]
    weights: np.ndarray
    transitions: np.ndarray

    @classmethod
    def load(cls, path: str | Path) -> "CrfModel":
        buf = Path(path).read_bytes()
        try:
            magic, _size, kind, _ver, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs, _lr, _ar = (
                _HEADER.unpack_from(buf, 0))
            if magic != b"lCRF" or kind != b"FOMC":
                raise ValueError("not a crfsuite CRF1d model")
            chunk, _csize, n_feat = struct.unpack_from("<4sII", buf, off_feat)
            if chunk != b"FEAT":
                raise ValueError("feature chunk missing")
            feats = np.frombuffer(buf, dtype=_FEATURE, count=n_feat, offset=off_feat + 12)
            labels = _cqdb_strings(buf, off_labels)
            attr_names = _cqdb_strings(buf, off_attrs)
        except (struct.error, ValueError, UnicodeDecodeError) as exc:
            raise DataFileError(f"NER model unreadable: {path} ({exc})") from exc
        if len(labels) != n_labels or len(attr_names) != n_attrs:
            raise DataFileError(f"NER model unreadable: {path} (string tables do not match the header)")
        weights = np.zeros((n_attrs + 1, n_labels))
        state = feats[feats["type"] == _STATE]
        weights[state["src"], state["dst"]] = state["weight"]
        transitions = np.zeros((n_labels, n_labels))
        trans = feats[feats["type"] == _TRANSITION]
        transitions[trans["src"], trans["dst"]] = trans["weight"]
        return cls(labels, {a: i for i, a in enumerate(attr_names)}, weights, transitions)

    def row_sum(self, attrs) -> np.ndarray:
        """Summed weight rows of some attributes (unknown ones weigh nothing)."""
        return row_sum(self.attrs, self.weights, attrs)


def row_sum(index: dict[str, int], weights: np.ndarray, attrs) -> np.ndarray:
    """Summed rows of ``weights`` for the attributes ``index`` knows (the others weigh nothing)."""
    idx = [index[a] for a in attrs if a in index]
    return weights[idx].sum(axis=0) if idx else np.zeros(weights.shape[1])


def _batch(scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sequences sorted longest first and padded into ``(T, B, L)``, time first, so one position of
    every sequence is one contiguous block, and the sequences still running at position t are
    always the first rows.  Returns ``(order, lengths, padded)``."""
    order = np.argsort([-len(s) for s in scores], kind="stable")
    lens = np.array([len(scores[i]) for i in order])
    padded = np.zeros((int(lens[0]), len(scores), scores[0].shape[1]))
    for row, i in enumerate(order.tolist()):
        padded[: lens[row], row] = scores[i]
    return order, lens, padded


def viterbi(scores: list[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """Best label ids of each sequence of state scores ``(T_i, L)`` (crfsuite's recurrence).

    The loop over positions keeps only the running maxima (numpy's per-call cost, not arithmetic,
    is what a position costs); the back pointers of every real position are then one vectorised
    arg-max over the same sums, so they break ties as the loop would."""
    if not scores:
        return []
    order, lens, padded = _batch(scores)
    T, B, L = padded.shape
    running = (lens[None, :] > np.arange(T)[:, None]).sum(axis=1).tolist()
    delta = np.empty((T, B, L))
    delta[0] = padded[0]
    cand = np.empty((B, L, L))  # [sequence, previous label, label]
    for t in range(1, T):
        k = running[t]
        c = cand[:k]
        np.add(delta[t - 1, :k, :, None], transitions, out=c)
        c.max(axis=1, out=delta[t, :k])
        delta[t, :k] += padded[t, :k]
    # (row, t) of every position that has a successor, row by row
    rows, ts = np.nonzero(lens[:, None] - 1 > np.arange(T)[None, :])
    back = (delta[ts, rows][:, :, None] + transitions).argmax(axis=1).tolist()  # best label at t per label at t + 1
    last = delta[lens - 1, np.arange(B)].argmax(axis=1).tolist()
    out: list[list[int]] = [[] for _ in scores]
    start = 0
    for row, i in enumerate(order.tolist()):
        n = int(lens[row])
        path = [0] * n
        y = path[n - 1] = last[row]
        for t in range(n - 2, -1, -1):
            y = path[t] = back[start + t][y]
        start += n - 1
        out[i] = path
    return out


def marginals(scores: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Per-position label probabilities ``(T_i, L)`` of each sequence (forward-backward).

    Each position's probabilities are ``alpha * beta`` normalised, so any positive scale of alpha or
    beta at a position cancels: they are rescaled only every few positions, as often as the
    transitions' range needs to stay far inside float range, not at every step.  Every sequence runs
    to the longest length (the rows past a sequence's end are never read)."""
    if not scores:
        return []
    order, lens, padded = _batch(scores)
    T, B, L = padded.shape
    # exp of the scores shifted by each position's maximum: the shift cancels in the normalisation
    ex = np.exp(padded - padded.max(axis=2, keepdims=True))
    et = np.exp(transitions)
    et_t = np.ascontiguousarray(et.T)
    # one step scales a row's total by at most L*max(et) and at least min(et) (ex <= 1, its maximum is 1)
    span = float(np.log(L) + np.abs(transitions).max())
    every = max(1, min(32, int(200 / span)))
    alpha = np.empty((T, B, L))
    alpha[0] = ex[0]
    for t in range(1, T):
        a = alpha[t]
        np.matmul(alpha[t - 1], et, out=a)
        a *= ex[t]
        if t % every == 0:
            a /= a.sum(axis=1, keepdims=True)
    ends: dict[int, list[int]] = {}  # last position -> rows [lo, hi) that end there
    for row, n in enumerate(lens.tolist()):
        ends.setdefault(n - 1, [row, row])[1] = row + 1
    beta = np.empty((T, B, L))
    beta[T - 1] = 1.0  # also past the end of the shorter rows: finite, never read
    tmp = np.empty((B, L))
    for t in range(T - 1, -1, -1):
        if t in ends:
            lo, hi = ends[t]
            beta[t, lo:hi] = 1.0
        if t == 0:
            break
        np.multiply(ex[t], beta[t], out=tmp)
        b = beta[t - 1]
        np.matmul(tmp, et_t, out=b)
        if t % every == 0:
            b /= b.sum(axis=1, keepdims=True)
    prob = alpha * beta
    prob /= prob.sum(axis=2, keepdims=True)
    out: list[np.ndarray] = [np.zeros(0)] * len(scores)
    for row, i in enumerate(order.tolist()):
        out[i] = prob[: lens[row], row]
    return out
