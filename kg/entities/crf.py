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
    """Sequences sorted longest first and padded into ``(B, T, L)``: then the sequences still running
    at position t are always the first ``active[t]`` rows."""
    order = np.argsort([-len(s) for s in scores], kind="stable")
    lens = np.array([len(scores[i]) for i in order])
    padded = np.zeros((len(scores), int(lens[0]), scores[0].shape[1]))
    for row, i in enumerate(order):
        padded[row, : lens[row]] = scores[i]
    active = (lens[None, :] > np.arange(int(lens[0]))[:, None]).sum(axis=1)
    return order, padded, active


def viterbi(scores: list[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """Best label ids of each sequence of state scores ``(T_i, L)`` (crfsuite's recurrence)."""
    if not scores:
        return []
    order, padded, active = _batch(scores)
    B, T, L = padded.shape
    delta = padded[:, 0].copy()
    back = np.zeros((B, T, L), dtype=np.intp)
    cand = np.empty((B, L, L))  # [sequence, previous label, label]
    for t in range(1, T):
        k = active[t]
        np.add(delta[:k, :, None], transitions, out=cand[:k])
        cand[:k].argmax(axis=1, out=back[:k, t])
        cand[:k].max(axis=1, out=delta[:k])
        delta[:k] += padded[:k, t]
    last = delta.argmax(axis=1).tolist()
    out: list[list[int]] = [[] for _ in scores]
    for row, i in enumerate(order.tolist()):
        n = len(scores[i])
        path = [0] * n
        y = last[row]
        path[n - 1] = y
        brow = back[row, :n].tolist()
        for t in range(n - 1, 0, -1):
            y = brow[t][y]
            path[t - 1] = y
        out[i] = path
    return out


def marginals(scores: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Per-position label probabilities ``(T_i, L)`` of each sequence (scaled forward-backward)."""
    if not scores:
        return []
    order, padded, active = _batch(scores)
    B, T, L = padded.shape
    # exp of the scores shifted by each position's maximum: the shift cancels in the normalisation
    ex = np.exp(padded - padded.max(axis=2, keepdims=True))
    et = np.exp(transitions)
    alpha = np.zeros((B, T, L))
    scale = np.ones((B, T))
    a = ex[:, 0]
    s = a.sum(axis=1)
    alpha[:, 0] = a / s[:, None]
    scale[:, 0] = s
    for t in range(1, T):
        k = active[t]
        a = (alpha[:k, t - 1] @ et) * ex[:k, t]
        s = a.sum(axis=1)
        alpha[:k, t] = a / s[:, None]
        scale[:k, t] = s
    beta = np.zeros((B, T, L))
    lens = np.array([len(scores[i]) for i in order])
    beta[np.arange(B), lens - 1] = 1.0
    for t in range(T - 2, -1, -1):
        k = active[t + 1]  # sequences that have a position t + 1
        b = (ex[:k, t + 1] * beta[:k, t + 1]) @ et.T
        beta[:k, t] = b / scale[:k, t + 1][:, None]
    prob = alpha * beta
    out: list[np.ndarray] = [np.zeros(0)] * len(scores)
    for row, i in enumerate(order.tolist()):
        out[i] = prob[row, : lens[row]]
    return out
